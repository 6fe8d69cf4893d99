import CBlkid
import Glibc

/// libblkid probes beyond the filesystem type: single tags (blkid -o value -s TAG), the
/// full low-level probe (blkid -p -i -o export), the partition table, sizes.
extension Probe {
    /// One superblock tag (LABEL, UUID …); "" when absent, as blkid's exit status 2 is.
    static func tag(_ device: String, _ name: String) throws(SysError) -> String {
        try withProbe(device) { pr in
            blkid_probe_enable_superblocks(pr, 1)
            blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE)
            guard blkid_do_safeprobe(pr) == 0 else { return "" }
            var value: UnsafePointer<CChar>?
            guard blkid_probe_lookup_value(pr, name, &value, nil) == 0, let value else { return "" }
            return String(cString: value)
        }
    }

    /// What `blkid -c /dev/null -p -i -o export DEVICE` prints, as name/value pairs:
    /// DEVNAME first, then superblock, partition-entry and topology values.
    static func export(_ device: String) throws(SysError) -> [(String, String)] {
        try withProbe(device) { pr in
            blkid_probe_enable_superblocks(pr, 1)
            blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE
                | BLKID_SUBLKS_SECTYPE | BLKID_SUBLKS_USAGE | BLKID_SUBLKS_VERSION)
            blkid_probe_enable_partitions(pr, 1)
            blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS)
            blkid_probe_enable_topology(pr, 1)
            var pairs = [("DEVNAME", device)]
            guard blkid_do_safeprobe(pr) == 0 else { return pairs }
            for i in 0 ..< blkid_probe_numof_values(pr) {
                var name: UnsafePointer<CChar>?, data: UnsafePointer<CChar>?
                var len = 0
                guard blkid_probe_get_value(pr, i, &name, &data, &len) == 0, let name, let data else { continue }
                pairs.append((String(cString: name), String(cString: data)))
            }
            return pairs
        }
    }

    struct Partition {
        var number: Int32
        var start: UInt64   // bytes
        var size: UInt64    // bytes
        var type: String    // "0x83", or a GPT type GUID in upper case
    }

    /// The partition table: its type as parted names it ("msdos", "gpt", …; nil when
    /// there is none) and its entries in number order.
    static func partitions(_ device: String) throws(SysError) -> (type: String?, entries: [Partition]) {
        try withProbe(device) { pr in
            blkid_probe_enable_superblocks(pr, 0)
            blkid_probe_enable_partitions(pr, 1)
            guard let list = blkid_probe_get_partitions(pr) else { return (nil, []) }
            let table = blkid_partlist_get_table(list)
            let raw = table.flatMap { blkid_parttable_get_type($0) }.map { String(cString: $0) } ?? ""
            var entries: [Partition] = []
            for i in 0 ..< blkid_partlist_numof_partitions(list) {
                guard let p = blkid_partlist_get_partition(list, i) else { continue }
                let type = blkid_partition_get_type_string(p).map { String(cString: $0).uppercased() }
                    ?? "0x" + String(blkid_partition_get_type(p), radix: 16)
                entries.append(Partition(number: blkid_partition_get_partno(p),
                                         start: UInt64(blkid_partition_get_start(p)) * 512,
                                         size: UInt64(blkid_partition_get_size(p)) * 512, type: type))
            }
            return (raw == "dos" ? "msdos" : raw, entries.sorted { $0.number < $1.number })
        }
    }

    /// Size in bytes and logical sector size, as blockdev --getsize64 / --getss.
    static func geometry(_ device: String) throws(SysError) -> (size: Int64, sectorSize: Int32) {
        try withProbe(device) { pr in
            (Int64(blkid_probe_get_size(pr)), Int32(blkid_probe_get_sectorsize(pr)))
        }
    }

    private static func withProbe<R>(_ device: String, _ body: (blkid_probe) throws(SysError) -> R) throws(SysError) -> R {
        errno = 0
        guard let pr = blkid_new_probe_from_filename(device) else {
            throw SysError("blkid", device, errno: errno == 0 ? EIO : errno)
        }
        defer { blkid_free_probe(pr) }
        return try body(pr)
    }
}
