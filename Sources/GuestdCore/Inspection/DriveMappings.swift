import Glibc
import GuestProtocol
import SystemCalls

/// get_drive_mappings (daemon/inspect_fs_windows.ml of libguestfs 1.48): each
/// HKLM\SYSTEM\MountedDevices value "\DosDevices\X:" whose REG_BINARY data names a
/// partition of the appliance's disks: 12 bytes are an MBR disk signature and the
/// partition's byte offset, "DMIO:ID:" and a GUID a GPT partition's unique GUID.
struct DriveMappings {
    let daemon: Daemon

    func read(_ h: RegistryHive) throws(CallError) -> [(letter: String, device: String)] {
        guard let node = try h.node(["MountedDevices"]) else { return [] }
        var mappings: [(letter: String, device: String)] = []
        for (key, value) in try h.values(node) {
            guard let letter = DriveMappings.driveLetter(key) else { continue }
            let (type, blob) = try h.data(value)
            guard type == HivexLibrary.regBinary else { continue }
            let device: String?
            if blob.count >= 24, blob.starts(with: Array("DMIO:ID:".utf8)) {
                device = try gptPartition(DriveMappings.guid(blob))
            } else if blob.count == 12 {
                device = try mbrPartition(blob)
            } else {
                device = nil
            }
            if let device { mappings.append((letter, device)) }
        }
        return mappings
    }

    /// The letter of "\DosDevices\X:…" (the prefix in any case), as written.
    static func driveLetter(_ key: ByteString) -> String? {
        let b = key.bytes
        guard b.count >= 14, GuestFiles.lowercasedASCII(String(decoding: b[0 ..< 12], as: UTF8.self)) == Array("\\dosdevices\\".utf8),
              (0x41 ... 0x5a).contains(b[12]) || (0x61 ... 0x7a).contains(b[12]), b[13] == UInt8(ascii: ":") else { return nil }
        return String(UnicodeScalar(b[12]))
    }

    /// extract_guid_from_registry_blob: after "DMIO:ID:", a GUID stored as Windows
    /// does (three little-endian fields, then eight bytes in order), as lowercase text.
    static func guid(_ blob: [UInt8]) -> String {
        func hex(_ bytes: ArraySlice<UInt8>) -> String {
            bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        }
        return [hex(blob[8 ..< 12].reversed()[...]), hex(blob[12 ..< 14].reversed()[...]), hex(blob[14 ..< 16].reversed()[...]),
                hex(blob[16 ..< 18]), hex(blob[18 ..< 24])].joined(separator: "-")
    }

    /// map_registry_disk_blob_mbr: the first msdos-labelled disk whose signature (at
    /// byte 0x1b8) is the blob's first 4 bytes, and its partition starting at the
    /// blob's little-endian byte offset.
    private func mbrPartition(_ blob: [UInt8]) throws(CallError) -> String? {
        let offset = blob[4 ..< 12].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        for disk in disks() {
            guard try daemon.doPartGetParttype(device: disk) == "msdos", signature(disk) == Array(blob[0 ..< 4]) else { continue }
            guard let part = try daemon.doPartList(device: disk).first(where: { UInt64(bitPattern: $0["part_start"]?.int ?? -1) == offset }) else {
                return nil
            }
            return disk + String(part["part_num"]?.int ?? 0)
        }
        return nil
    }

    /// map_registry_disk_blob_gpt: the first partition, in list_partitions order, on a
    /// GPT disk whose unique GUID is the blob's.
    private func gptPartition(_ guid: String) throws(CallError) -> String? {
        for disk in disks() {
            for partition in daemon.devices.partitionNames(of: disk.dropFirst(daemon.devices.dev.count + 1).description) {
                let device = daemon.devices.dev + "/" + partition
                let number = try daemon.doPartToPartnum(partition: device)
                guard try daemon.doPartGetParttype(device: disk) == "gpt" else { continue }
                let found = try daemon.doPartGetGptGuid(device: disk, partnum: number)
                if GuestFiles.lowercasedASCII(found.description) == Array(guid.utf8) { return device }
            }
        }
        return nil
    }

    /// The appliance's disks, by its own names, in list_devices order.
    private func disks() -> [String] {
        daemon.devices.disks().filter(daemon.devices.opens).map { daemon.devices.dev + "/" + $0 }
    }

    private func signature(_ disk: String) -> [UInt8]? {
        let fd = Glibc.open(disk, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 4)
        let n = buf.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress, 4, 0x1b8) }
        return n == 4 ? buf : nil
    }
}
