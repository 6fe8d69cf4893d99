/// `btrfs scrub status -R` read as btrfs_scrub_status (daemon/btrfs.c of libguestfs 1.48)
/// reads it: only lines starting with a tab count; "\tno stats available" ends the
/// reading with what was read (all zero); "\tname: N" sets that counter; any other
/// tabbed line is an error, and a report of fewer than 17 lines is truncated.
public struct BtrfsScrubStatus: Equatable, Sendable {
    /// The counters in the btrfsscrub struct's order.
    public static let names = [
        "data_extents_scrubbed", "tree_extents_scrubbed", "data_bytes_scrubbed", "tree_bytes_scrubbed", "read_errors",
        "csum_errors", "verify_errors", "no_csum", "csum_discards", "super_errors", "malloc_errors",
        "uncorrectable_errors", "unverified_errors", "corrected_errors", "last_physical",
    ]

    public var counters: [UInt64] = Array(repeating: 0, count: names.count)

    public init(counters: [UInt64] = Array(repeating: 0, count: names.count)) { self.counters = counters }

    public subscript(_ name: String) -> UInt64 { counters[Self.names.firstIndex(of: name)!] }

    public static func parse(_ text: String) throws(BtrfsReportError) -> BtrfsScrubStatus {
        let lines = OutputLines.split(text)
        let truncated = BtrfsReportError("truncated output from 'btrfs scrub status -R' command")
        guard lines.count >= 2 else { throw truncated }
        var status = BtrfsScrubStatus()
        lines: for line in lines where line.hasPrefix("\t") {
            if line == "\tno stats available" { return status }
            if line.hasPrefix("\tscrub started at") { continue }
            for (i, name) in names.enumerated() {
                let n = CScan.scan(line, "\t\(name): %u")
                if n.count == 1 {
                    status.counters[i] = n[0]
                    continue lines
                }
            }
            throw BtrfsReportError("\(line): could not parse btrfs scrub status.")
        }
        guard lines.count >= 17 else { throw truncated }
        return status
    }
}
