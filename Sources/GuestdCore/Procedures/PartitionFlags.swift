import Glibc
import GuestProtocol

/// part_set_bootable, part_get_bootable, part_set_name, part_get_name, part_set_mbr_id,
/// part_get_mbr_part_type, part_resize (daemon/parted.c, parted.ml of libguestfs 1.48):
/// parted and sfdisk in the appliance with the real daemon's arguments and texts.
extension Daemon {
    func doPartSetBootable(device: String, partnum: Int32, bootable: Bool) throws(CallError) {
        try Daemon.requirePartitionNumber(partnum)
        try partedChange(device, ["set", "\(partnum)", "boot", bootable ? "on" : "off"])
    }

    func doPartGetBootable(device: String, partnum: Int32) throws(CallError) -> Bool {
        try Daemon.requirePartitionNumber(partnum)
        let flags = try partedField(device, partnum, 6)
        return flags.contains("boot")
    }

    func doPartSetName(device: String, partnum: Int32, name: ByteString) throws(CallError) {
        try Daemon.requirePartitionNumber(partnum)
        try partedChange(device, ["name", "\(partnum)"].map { ByteString($0) } + [name])
    }

    func doPartGetName(device: String, partnum: Int32) throws(CallError) -> ByteString {
        guard try doPartGetParttype(device: device) == "gpt" else {
            throw CallError("part-get-name can only be used on GUID Partition Tables")
        }
        return ByteString(try partedField(device, partnum, 5))
    }

    /// sfdisk --part-type (Debian's sfdisk has it, so never the old --change-id); the
    /// byte in hexadecimal.
    func doPartSetMbrID(device: String, partnum: Int32, idbyte: Int32) throws(CallError) {
        try Daemon.requirePartitionNumber(partnum)
        let r = try Subprocess.appliance(["sfdisk", "--part-type", device, "\(partnum)", String(UInt32(bitPattern: idbyte), radix: 16)])
        guard r.succeeded else { throw CallError("sfdisk --part-type: \(Subprocess.errorText(r))") }
    }

    /// Extended for an MBR's primary slot of type 0x05 or 0x0f, logical past slot 4,
    /// primary otherwise (and on every other kind of table).
    func doPartGetMbrPartType(device: String, partnum: Int32) throws(CallError) -> ByteString {
        try Daemon.requirePartitionNumber(partnum)
        guard try doPartGetParttype(device: device) == "msdos" else { return "primary" }
        let id = try doPartGetMbrID(device: device, partnum: partnum)
        if (1 ... 4).contains(partnum) { return id == 0x05 || id == 0x0f ? "extended" : "primary" }
        return "logical"
    }

    func doPartResize(device: String, partnum: Int32, endsect: Int64) throws(CallError) {
        try Daemon.requirePartitionNumber(partnum)
        let r = try Subprocess.appliance(["parted", "-s", "--", device, "resizepart", "\(partnum)", "\(endsect)s"], foldStdout: true)
        guard r.succeeded else { throw CallError("parted: \(device): \(Subprocess.errorText(r)):") }
    }

    static func requirePartitionNumber(_ n: Int32) throws(CallError) {
        guard n > 0 else { throw CallError("partition number must be >= 1") }
    }

    /// parted -s -- DEVICE WORDS…, its stdout and stderr the error text.
    private func partedChange(_ device: String, _ words: [ByteString]) throws(CallError) {
        let r = try Subprocess.appliance(["parted", "-s", "--", ByteString(device)] + words, foldStdout: true)
        guard r.succeeded else { throw CallError("parted: \(device): \(Subprocess.errorText(r))") }
    }

    private func partedChange(_ device: String, _ words: [String]) throws(CallError) {
        try partedChange(device, words.map { ByteString($0) })
    }

    /// Field `n` of the partition's row of `parted -m -s -- DEVICE unit b print`
    /// ("1:1048576B:…:ext4:NAME:boot, esp;"), fields ending at ":" or ";".
    private func partedField(_ device: String, _ partnum: Int32, _ n: Int) throws(CallError) -> String {
        let r = try Subprocess.appliance(["parted", "-m", "-s", "--", device, "unit", "b", "print"])
        guard r.succeeded else {
            let err = Subprocess.errorText(r)
            throw CallError("parted print: \(device): \(err)", errno: err.description.contains("unrecognised disk label") ? EINVAL : 0)
        }
        let lines = String(decoding: r.out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first, first == "BYT;" else {
            throw CallError("unknown signature, expected \"BYT;\" as first line of the output: \(lines.first ?? "(signature was null)")")
        }
        guard lines.count > 1, !(lines.count == 2 && lines[1].isEmpty) else {
            throw CallError("parted didn't return a line describing the device")
        }
        var row: String?
        for line in lines.dropFirst(2) where !line.isEmpty {
            guard let number = Int32(line.prefix { $0 != ":" }) else {
                throw CallError("could not parse row from output of parted print command: \(line)")
            }
            if number == partnum { row = line; break }
        }
        guard let row else { throw CallError("partition number \(partnum) not found") }
        let fields = row.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == ";" }
        guard fields.count > n else { throw CallError("not enough fields in output of parted print command: \(row)") }
        return String(fields[n])
    }
}
