/// `btrfs qgroup show --raw` read as btrfs_qgroup_show (daemon/btrfs.c of libguestfs
/// 1.48) reads it: two heading lines, then per line the qgroup ("0/5", the leading
/// digits and slashes) and its referenced and exclusive bytes; the path column after
/// them is not read.
public enum BtrfsQgroupShow {
    public struct Qgroup: Equatable, Sendable {
        public var id: String
        public var referenced: UInt64
        public var exclusive: UInt64

        public init(id: String, referenced: UInt64, exclusive: UInt64) {
            self.id = id
            self.referenced = referenced
            self.exclusive = exclusive
        }
    }

    public static func parse(_ text: String) throws(BtrfsReportError) -> [Qgroup] {
        let lines = OutputLines.split(text)
        // The real daemon sizes its list as lines − 2: fewer than two lines ask calloc
        // for an impossible size.
        guard lines.count >= 2 else { throw BtrfsReportError("calloc: Cannot allocate memory") }
        var result: [Qgroup] = []
        for line in lines.dropFirst(2) {
            let id = line.prefix { $0 == "/" || ("0" ... "9").contains($0) }
            let numbers = CScan.scan(line.dropFirst(id.count), " %u %u")
            guard !id.isEmpty, numbers.count == 2 else {
                throw BtrfsReportError("cannot parse output of qgroup show command: \(line)")
            }
            result.append(Qgroup(id: String(id), referenced: numbers[0], exclusive: numbers[1]))
        }
        return result
    }
}
