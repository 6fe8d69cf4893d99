import Glibc
import GuestProtocol

/// Devices and partitions: listing, sizes, partition arithmetic, probing (daemon/
/// devsparts.ml, blockdev.c, parted.ml, blkid.c, listfs.ml), with libblkid where the
/// real daemon runs blockdev, parted and blkid. Returned device names are translated
/// back to the user's /dev/sdX names.
extension Daemon {
    static let deviceProcedures: [(Procedure, Handler)] = [
        (.listDevices, { d, _ throws(CallError) in Reply.strings(d.devices.listDevices()) }),
        (.listPartitions, { d, _ throws(CallError) in Reply.strings(d.devices.listPartitions()) }),
        (.listFilesystems, { d, _ throws(CallError) in
            Reply.hashtable(d.filesystems().map { (d.devices.reverse($0.device), $0.type) })
        }),
        (.vfsType, { _, c throws(CallError) in
            do throws(SysError) { return Reply.string(try Probe.filesystemType(c.text(0))) } catch {
                throw CallError.perror("blkid: \(c.text(0)): TYPE", error.errno)
            }
        }),
        (.vfsLabel, { _, c throws(CallError) in Reply.string(try Daemon.tag(c.text(0), "LABEL")) }),
        (.vfsUUID, { _, c throws(CallError) in Reply.string(try Daemon.tag(c.text(0), "UUID")) }),
        (.blkid, { _, c throws(CallError) in
            do throws(SysError) { return Reply.hashtable(try Probe.export(c.text(0))) } catch {
                throw CallError("blkid: \(c.text(0)): \(error.reason)", errno: error.errno)
            }
        }),
        (.blockdevGetsize64, { _, c throws(CallError) in Reply.int64(try Daemon.geometry(c.text(0)).size) }),
        (.blockdevGetss, { _, c throws(CallError) in Reply.int(try Daemon.geometry(c.text(0)).sectorSize) }),
        (.partToDev, { d, c throws(CallError) in
            let (disk, n) = DeviceNames.splitPartition(c.text(0))
            guard n > 0 else { throw CallError("device name is not a partition") }
            return Reply.string(d.devices.reverse("/dev/" + String(decoding: disk, as: UTF8.self)))
        }),
        (.partToPartnum, { _, c throws(CallError) in
            let (_, n) = DeviceNames.splitPartition(c.text(0))
            guard n > 0 else { throw CallError("device name is not a partition") }
            return Reply.int(Int32(clamping: n))
        }),
        (.partList, { _, c throws(CallError) in
            let device = c.text(0)
            let table = try Daemon.partitionTable(device)
            // parted's END is the last byte, inclusive.
            return Reply.structList(table.entries.map {
                StructValue(.partition, [.int(Int64($0.number)), .int(Int64($0.start)),
                                         .int(Int64($0.start + $0.size) - 1), .int(Int64($0.size))])
            })
        }),
        (.partGetParttype, { _, c throws(CallError) in Reply.string(try Daemon.partitionTable(c.text(0)).type) }),
        (.partGetMbrID, { _, c throws(CallError) in
            let device = c.text(0), n = c.int(1)
            guard n >= 1 else { throw CallError("partition number must be >= 1") }
            let table = try Daemon.partitionTable(device)
            guard table.type == "msdos", let entry = table.entries.first(where: { $0.number == n }),
                  entry.type.hasPrefix("0x"), let id = Int32(entry.type.dropFirst(2), radix: 16) else {
                throw CallError("sfdisk: \(device): partition \(n): no MBR partition type")
            }
            return Reply.int(id)
        }),
        (.zero, { d, c throws(CallError) in try d.zero(c.text(0)); return .none }),
    ]

    private static func tag(_ device: String, _ name: String) throws(CallError) -> String {
        do { return try Probe.tag(device, name) } catch { throw CallError("\(device): \(error.reason)", errno: error.errno) }
    }

    private static func geometry(_ device: String) throws(CallError) -> (size: Int64, sectorSize: Int32) {
        do { return try Probe.geometry(device) } catch { throw CallError("blockdev: \(device): \(error.reason)", errno: error.errno) }
    }

    /// The table parted would print; no table is parted's "unrecognised disk label".
    private static func partitionTable(_ device: String) throws(CallError) -> (type: String, entries: [Probe.Partition]) {
        let table: (type: String?, entries: [Probe.Partition])
        do { table = try Probe.partitions(device) } catch { throw CallError("parted: \(device): \(error.reason)", errno: error.errno) }
        guard let type = table.type else {
            throw CallError("parted: \(device): parted exited with status 1: Error: \(device): unrecognised disk label")
        }
        return (type, table.entries)
    }

    /// list_filesystems: unpartitioned disks, then partitions that can hold a
    /// filesystem (not MBR extended, not the GPT types of Windows' reserved and LDM
    /// partitions), each with its vfs_type or "unknown"; members of RAID/LVM sets and
    /// encrypted volumes are left out. Devices by their appliance names.
    func filesystems() -> [(device: String, type: String)] {
        var result: [(device: String, type: String)] = []
        func check(_ device: String) {
            let type = (try? Probe.filesystemType(device)) ?? ""
            if type.hasSuffix("_member") || type == "crypto_LUKS" || type == "BitLocker" { return }
            result.append((device, type.isEmpty ? "unknown" : type))
        }
        let table = devices.disks().filter(devices.opens)
        for disk in table where devices.partitionNames(of: disk).isEmpty { check(devices.dev + "/" + disk) }
        for disk in table {
            let parts = devices.partitionNames(of: disk)
            guard !parts.isEmpty else { continue }
            let info = try? Probe.partitions(devices.dev + "/" + disk)
            for part in parts {
                let n = DeviceNames.splitPartition(part).partition
                if let entry = info?.entries.first(where: { Int($0.number) == n }), let type = info?.type,
                   !Daemon.canHoldFilesystem(tableType: type, number: n, entryType: entry.type) { continue }
                check(devices.dev + "/" + part)
            }
        }
        return result
    }

    private static let reservedGPTTypes: Set<String> = [
        "5808C8AA-7E8F-42E0-85D2-E1E90434CFB3", "AF9B60A0-1431-4F62-BC68-3311714A69AD",
        "E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "CADDEBF1-4400-4DE8-B103-12117DCF3CCF",
    ]

    private static func canHoldFilesystem(tableType: String, number: Int, entryType: String) -> Bool {
        switch tableType {
        case "msdos": !((1 ... 4).contains(number) && ["0x5", "0xf", "0x85"].contains(entryType))
        case "gpt": !reservedGPTTypes.contains(entryType)
        default: true
        }
    }

    /// zero: the first 32 blocks of 4 KiB become zeroes (written only where not already).
    private func zero(_ device: String) throws(CallError) {
        let fd = open(device, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw CallError.perror(ByteString(device), errno) }
        var buf = [UInt8](repeating: 0, count: 4096)
        let zeroes = buf
        for i in 0 ..< 32 {
            let offset = off_t(i * 4096)
            guard buf.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, 4096, offset) }) == 4096 else {
                let e = errno
                close(fd)
                throw CallError.perror("pread: \(device)", e)
            }
            if buf != zeroes, zeroes.withUnsafeBytes({ pwrite(fd, $0.baseAddress, 4096, offset) }) != 4096 {
                let e = errno
                close(fd)
                throw CallError.perror("pwrite: \(device)", e)
            }
            try? progress.notify(position: UInt64(i), total: 32)
        }
        guard close(fd) == 0 else { throw CallError.perror("close: \(device)", errno) }
    }
}
