/// `btrfs balance status` read as btrfs_balance_status (daemon/btrfs.c of libguestfs
/// 1.48) reads it: "No balance found on '…'" is status "none"; otherwise the first line
/// "Balance on '…' is running|paused" and the second "N out of about M chunks balanced
/// (K considered), P% left".
public struct BtrfsBalanceStatus: Equatable, Sendable {
    public var status: String
    public var total: UInt64 = 0
    public var balanced: UInt64 = 0
    public var considered: UInt64 = 0
    public var left: UInt64 = 0

    public init(status: String, total: UInt64 = 0, balanced: UInt64 = 0, considered: UInt64 = 0, left: UInt64 = 0) {
        self.status = status
        self.total = total
        self.balanced = balanced
        self.considered = considered
        self.left = left
    }

    public static func parse(_ text: String) throws(BtrfsReportError) -> BtrfsBalanceStatus {
        let lines = OutputLines.split(text)
        // reply_with_perror after a successful run: errno is 0 there.
        guard let first = lines.first else { throw BtrfsReportError("No balance status output: Success") }
        if first.contains("No balance found on") { return BtrfsBalanceStatus(status: "none") }
        // "Balance on '.*' is (.*)": the greedy ".*" makes the status what follows the
        // last "' is " of the line.
        guard let start = first.firstRange(of: "Balance on '"),
              let marker = first[start.upperBound...].ranges(of: "' is ").last else {
            throw BtrfsReportError("unexpected output from 'btrfs balance status' command: \(first)")
        }
        let status = String(first[marker.upperBound...])
        guard status == "running" || status == "paused" else {
            throw BtrfsReportError("unexpected output from 'btrfs balance status' command: \(first)")
        }
        guard lines.count >= 2 else { throw BtrfsReportError("truncated output from 'btrfs balance status' command") }
        let n = CScan.scan(lines[1], "%u out of about %u chunks balanced (%u considered), %u%% left")
        guard n.count == 4 else { throw BtrfsReportError("sscanf: Success") }
        return BtrfsBalanceStatus(status: status, total: n[1], balanced: n[0], considered: n[2], left: n[3])
    }
}
