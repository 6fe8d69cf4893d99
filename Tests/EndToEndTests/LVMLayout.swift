import Foundation

/// An LVM2 PV in a disk image, read on the host: the partition's start and the newest
/// copy (highest seqno) of the VG's text metadata in the PV's first MiB.
struct LVMLayout {
    let start: Int
    let metadata: String

    init(image: String, partition: Int) throws {
        let table = try Fixture.sh("sfdisk -d \(image)")
        guard let start = table.out.split(separator: "\n").lazy.compactMap({ line in
            line.hasPrefix("\(image)\(partition) ") ? line.firstMatch(of: /start=\s*(\d+)/).flatMap { Int($0.1) } : nil
        }).first else { throw GuestImageError(reason: "no partition \(partition) in \(image): \(table.out)\(table.err)") }
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: image))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(start) * 512)
        let head = try handle.read(upToCount: 1 << 20) ?? Data()
        let texts = head.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let newest = texts.compactMap({ t in t.firstMatch(of: /\bseqno = (\d+)/).flatMap { Int($0.1) }.map { (t, $0) } })
            .max(by: { $0.1 < $1.1 })?.0
        else { throw GuestImageError(reason: "no LVM metadata in \(image) partition \(partition)") }
        self.start = start
        self.metadata = newest
    }

    /// The first number after `key = ` at or after `after` in the metadata.
    func number(_ key: String, after: String? = nil) -> Int? {
        var text = Substring(metadata)
        if let after {
            guard let r = text.range(of: after) else { return nil }
            text = text[r.upperBound...]
        }
        guard let r = text.range(of: key + " = ") else { return nil }
        return Int(text[r.upperBound...].prefix { $0.isNumber })
    }

    /// Where a linear LV's data starts: the partition's start, plus the PV's pe_start,
    /// plus the LV's first extent times the extent size (sectors).
    func sector(ofLV lv: String) throws -> Int {
        let lines = metadata.split(separator: "\n")
        guard let extent = number("extent_size"), let peStart = number("pe_start"),
              let at = lines.firstIndex(where: { $0.trimmingPrefix(while: \.isWhitespace) == "\(lv) {" }),
              let first = lines[at...].joined(separator: "\n").firstMatch(of: /stripes = \[\s*"pv0", (\d+)/).flatMap({ Int($0.1) })
        else { throw GuestImageError(reason: "no linear LV \(lv) in the LVM metadata:\n\(metadata)") }
        return start + peStart + first * extent
    }
}
