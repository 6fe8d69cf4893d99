import GuestProtocol
import StorageText

/// btrfs scrub, balance control and defragmentation on a mounted filesystem
/// (daemon/btrfs.c of libguestfs 1.48): btrfs(8) on the guest path, failing with
/// "PATH: stderr"; the status calls read its reports as the real daemon does.
extension Daemon {
    /// Starts the scrub in the background (no -B), as the real daemon does.
    func doBtrfsScrubStart(path: ByteString) throws(CallError) { try btrfsOnPath(["scrub", "start"], path) }
    func doBtrfsScrubCancel(path: ByteString) throws(CallError) { try btrfsOnPath(["scrub", "cancel"], path) }
    func doBtrfsScrubResume(path: ByteString) throws(CallError) { try btrfsOnPath(["scrub", "resume"], path) }
    func doBtrfsBalancePause(path: ByteString) throws(CallError) { try btrfsOnPath(["balance", "pause"], path) }
    func doBtrfsBalanceCancel(path: ByteString) throws(CallError) { try btrfsOnPath(["balance", "cancel"], path) }
    func doBtrfsBalanceResume(path: ByteString) throws(CallError) { try btrfsOnPath(["balance", "resume"], path) }

    func doBtrfsScrubStatus(path: ByteString) throws(CallError) -> StructValue {
        let out = String(decoding: try btrfsOnPath(["scrub", "status", "-R"], path), as: UTF8.self)
        do throws(BtrfsReportError) {
            let status = try BtrfsScrubStatus.parse(out)
            return StructValue(.btrfsScrub, status.counters.map { .int(Int64(bitPattern: $0)) })
        } catch {
            throw CallError(ByteString(error.message))
        }
    }

    func doBtrfsBalanceStatus(path: ByteString) throws(CallError) -> StructValue {
        let out = String(decoding: try btrfsOnPath(["balance", "status"], path), as: UTF8.self)
        do throws(BtrfsReportError) {
            let s = try BtrfsBalanceStatus.parse(out)
            let n = { (v: UInt64) in FieldValue.int(Int64(bitPattern: v)) }
            return StructValue(.btrfsBalance, [.string(s.status), n(s.total), n(s.balanced), n(s.considered), n(s.left)])
        } catch {
            throw CallError(ByteString(error.message))
        }
    }

    /// Recursive (-r); flush (-f) and compression (-czlib, -clzo) when asked. The method
    /// is checked before the tool runs.
    func doBtrfsFilesystemDefragment(path: ByteString, flush: Bool?, compress: ByteString?) throws(CallError) {
        var args: [ByteString] = ["filesystem", "defragment", "-r"]
        if flush == true { args.append("-f") }
        if let compress {
            guard compress == "zlib" || compress == "lzo" else { throw CallError("unknown compress method: \(compress)") }
            args.append("-c" + compress)
        }
        try btrfsOnPath(args, path)
    }
}
