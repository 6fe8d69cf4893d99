import Glibc
import GuestProtocol
import StorageText

/// btrfs tools on unmounted devices (daemon/btrfs.c of libguestfs 1.48): btrfsck,
/// btrfs rescue, btrfstune, btrfs-image and `btrfs filesystem show`, with the real
/// daemon's checks and "DEVICE: stderr" errors (the reply puts device names in the
/// caller's terms).
extension Daemon {
    /// btrfstune -S: its exit status is not looked at (the real daemon's commandr), so
    /// clearing the flag, which btrfstune asks to confirm on /dev/null, "succeeds".
    func doBtrfsSetSeeding(device: String, seeding: Bool) throws(CallError) {
        _ = try Subprocess.appliance(["btrfstune", "-S", seeding ? "1" : "0", ByteString(device)])
    }

    func doBtrfsFsck(device: String, superblock: Int64?, repair: Bool?) throws(CallError) {
        var argv: [ByteString] = ["btrfsck"]
        if let superblock {
            guard superblock >= 0 else { throw CallError("super block offset must be >= 0") }
            argv += ["--super", ByteString("\(superblock)")]
        }
        if repair == true { argv.append("--repair") }
        try btrfsTool(argv + [ByteString(device)], prefix: device)
    }

    func doBtrfsRescueChunkRecover(device: String) throws(CallError) {
        try btrfsTool(["btrfs", "rescue", "chunk-recover", "-y", ByteString(device)], prefix: device)
    }

    func doBtrfsRescueSuperRecover(device: String) throws(CallError) {
        try btrfsTool(["btrfs", "rescue", "super-recover", "-y", ByteString(device)], prefix: device)
    }

    /// Clearing the flag needs -f (btrfstune asks otherwise).
    func doBtrfstuneSeeding(device: String, seeding: Bool) throws(CallError) {
        try btrfsTool(["btrfstune", "-S", seeding ? "1" : "0"] + (seeding ? [] : ["-f"]) + [ByteString(device)], prefix: device)
    }

    func doBtrfstuneEnableExtendedInodeRefs(device: String) throws(CallError) {
        try btrfsTool(["btrfstune", "-r", ByteString(device)], prefix: device)
    }

    func doBtrfstuneEnableSkinnyMetadataExtentRefs(device: String) throws(CallError) {
        try btrfsTool(["btrfstune", "-x", ByteString(device)], prefix: device)
    }

    /// The image path is given to btrfs-image as the caller wrote it: the real daemon
    /// does not put it in the sysroot, so the file lands in the appliance's own tree.
    func doBtrfsImage(source: [String], image: ByteString, compresslevel: Int32?) throws(CallError) {
        guard let first = source.first else { throw CallError("list of sources must be non-empty") }
        var argv: [ByteString] = ["btrfs-image"]
        if let compresslevel, compresslevel >= 0 { argv += ["-c", ByteString("\(compresslevel)")] }
        try btrfsTool(argv + source.map { ByteString($0) } + [image], prefix: "\(first) \(image)")
    }

    func doBtrfsFilesystemShow(device: String) throws(CallError) -> [ByteString] {
        let r = try Subprocess.appliance(["btrfs", "filesystem", "show", ByteString(device)])
        guard r.succeeded else { throw CallError("\(device): " + Subprocess.errorText(r)) }
        do throws(BtrfsFilesystemShow.Failure) {
            return try BtrfsFilesystemShow.devices(String(decoding: r.out, as: UTF8.self)).map { ByteString(devices.reverse($0)) }
        } catch {
            switch error {
            case .missingDevices: throw CallError("\(device): missing devices", errno: ENODEV)
            case let .report(report): throw CallError(ByteString(report.message))
            }
        }
    }
}
