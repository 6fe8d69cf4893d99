import Glibc
import GuestProtocol

/// The optional group gdisk (daemon/parted.c, parted.ml of libguestfs 1.48): GPT type and
/// partition GUIDs, attribute flags, the disk GUID and moving the backup header, all by
/// sgdisk, whose stdout and stderr make the error texts.
extension Daemon {
    func doPartSetGptType(device: String, partnum: Int32, guid: ByteString) throws(CallError) {
        try setPartitionGUID(device, partnum, guid, flag: "-t")
    }

    func doPartGetGptType(device: String, partnum: Int32) throws(CallError) -> ByteString {
        ByteString(try sgdiskInfo(device, partnum, "Partition GUID code", Daemon.guidPrefix))
    }

    func doPartSetGptGuid(device: String, partnum: Int32, guid: ByteString) throws(CallError) {
        try setPartitionGUID(device, partnum, guid, flag: "-u")
    }

    func doPartGetGptGuid(device: String, partnum: Int32) throws(CallError) -> ByteString {
        ByteString(try sgdiskInfo(device, partnum, "Partition unique GUID", Daemon.guidPrefix))
    }

    func doPartSetGptAttributes(device: String, partnum: Int32, attributes: Int64) throws(CallError) {
        try Daemon.requirePartitionNumber(partnum)
        let value = String(UInt64(bitPattern: attributes), radix: 16, uppercase: true)
        let r = try Subprocess.appliance(["sgdisk", device, "-A", "\(partnum):=:\(value)"], foldStdout: true)
        guard r.succeeded else { throw CallError("sgdisk: \(ByteString(r.err))") }
    }

    func doPartGetGptAttributes(device: String, partnum: Int32) throws(CallError) -> Int64 {
        let hex = try sgdiskInfo(device, partnum, "Attribute flags") { String($0.prefix { "0123456789ABCDEF".contains($0) }) }
        guard let value = UInt64(hex, radix: 16) else { throw CallError("Int64.of_string") }
        return Int64(bitPattern: value)
    }

    func doPartSetDiskGuid(device: String, guid: ByteString) throws(CallError) {
        try sgdisk([ByteString(device), "-U", guid], what: "sgdisk \(device) -U \(guid)")
    }

    func doPartGetDiskGuid(device: String) throws(CallError) -> ByteString {
        let r = try Subprocess.appliance(["sgdisk", device, "-p"], foldStdout: true)
        guard r.succeeded else { throw CallError("sgdisk \(device) -p: \(Subprocess.errorText(r))") }
        let label = "Disk identifier (GUID):"
        for line in String(decoding: r.err, as: UTF8.self).split(separator: "\n") where line.hasPrefix(label) {
            return ByteString(Daemon.guidPrefix(String(line.dropFirst(label.count).drop { $0 == " " || $0 == "\t" })))
        }
        throw CallError("sgdisk output did not contain disk GUID. See LIBGUESTFS_DEBUG output for more details")
    }

    func doPartSetDiskGuidRandom(device: String) throws(CallError) {
        try sgdisk([ByteString(device), "-U", "R"], what: "sgdisk \(device) -U R")
    }

    func doPartExpandGpt(device: String) throws(CallError) {
        try sgdisk(["-e", ByteString(device)], what: "sgdisk -e \(device)")
    }

    /// The leading GUID characters of a value ("19AEC5FE-… (EFI system partition)").
    private static func guidPrefix(_ value: String) -> String {
        String(value.prefix { "-0123456789ABCDEF".contains($0) })
    }

    private func setPartitionGUID(_ device: String, _ partnum: Int32, _ guid: ByteString, flag: String) throws(CallError) {
        try Daemon.requirePartitionNumber(partnum)
        let code: ByteString = "\(partnum):\(guid)"
        try sgdisk([ByteString(device), ByteString(flag), code], what: "sgdisk \(device) \(flag) \(code)")
    }

    private func sgdisk(_ args: [ByteString], what: ByteString) throws(CallError) {
        let r = try Subprocess.appliance(["sgdisk"] + args, foldStdout: true)
        guard r.succeeded else { throw CallError("\(what): \(Subprocess.errorText(r))") }
    }

    /// One "Field: value" line of `sgdisk DEVICE -i N`, its value after the colon and
    /// leading blanks, cut by `extract`.
    private func sgdiskInfo(_ device: String, _ partnum: Int32, _ field: String, _ extract: (String) -> String) throws(CallError) -> String {
        try Daemon.requirePartitionNumber(partnum)
        let r = try Subprocess.appliance(["sgdisk", device, "-i", "\(partnum)"], foldStdout: true)
        guard r.succeeded else { throw CallError("sgdisk: \(ByteString(r.err))") }
        for line in String(decoding: r.err, as: UTF8.self).split(separator: "\n") {
            guard line.hasPrefix(field), line.count >= field.count + 2, line.dropFirst(field.count).first == ":" else { continue }
            return extract(String(line.dropFirst(field.count + 1).drop { $0 == " " || $0 == "\t" }))
        }
        throw CallError("\(device): sgdisk output did not contain '\(field)'")
    }
}
