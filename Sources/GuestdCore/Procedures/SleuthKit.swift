import GuestProtocol

/// The sleuthkit group (daemon/sleuthkit.c of libguestfs 1.48): the Sleuth Kit's icat
/// and blkls read an unmounted filesystem, their output streamed as the FileOut.
extension Daemon {
    func doDownloadInode(device: String, inode: Int64) throws(CallError) -> Answer {
        guard inode >= 0 else { throw CallError("inode must be >= 0") }
        return try PipedChild.streamOutput(of: ["icat", "-r", ByteString(Mountable(device).device), ByteString("\(inode)")])
    }

    /// blkls -e (every unit) unless the caller passed `unallocated` at all: then blkls's
    /// default, the unallocated units only, whatever its value (the real daemon looks at
    /// the optional's presence only).
    func doDownloadBlocks(device: String, start: Int64, stop: Int64, unallocated: Bool?) throws(CallError) -> Answer {
        guard start >= 0 else { throw CallError("starting address must be greater than zero") }
        guard stop > start else { throw CallError("stopping address must greater than starting address") }
        var argv: [ByteString] = ["blkls", ByteString(Mountable(device).device)]
        if unallocated == nil { argv.append("-e") }
        argv.append(ByteString("\(start)-\(stop)"))
        return try PipedChild.streamOutput(of: argv)
    }
}
