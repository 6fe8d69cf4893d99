import Glibc
import GuestProtocol

/// Devices and partitions: listing, sizes, partition arithmetic, probing (daemon/
/// devsparts.ml, blockdev.c, parted.ml, blkid.c, listfs.ml), with libblkid where the
/// real daemon runs blockdev, parted and blkid. Returned device names are translated
/// back to the user's /dev/sdX names.
extension Daemon {
    func doListDevices() throws(CallError) -> [ByteString] {
        devices.listDevices().map { ByteString($0) }
    }

    func doListPartitions() throws(CallError) -> [ByteString] {
        devices.listPartitions().map { ByteString($0) }
    }

    func doListFilesystems() throws(CallError) -> [(ByteString, ByteString)] {
        filesystems().map { (ByteString(devices.reverse($0.device)), ByteString($0.type)) }
    }

    func doVfsType(mountable: String) throws(CallError) -> ByteString {
        do throws(SysError) { return ByteString(try Probe.filesystemType(Mountable(mountable).device)) } catch {
            throw CallError.perror("blkid: \(mountable): TYPE", error.errno)
        }
    }

    func doVfsLabel(mountable: String) throws(CallError) -> ByteString {
        ByteString(try Daemon.tag(Mountable(mountable).device, "LABEL"))
    }

    func doVfsUUID(mountable: String) throws(CallError) -> ByteString {
        ByteString(try Daemon.tag(Mountable(mountable).device, "UUID"))
    }

    func doBlkid(device: String) throws(CallError) -> [(ByteString, ByteString)] {
        do throws(SysError) { return try Probe.export(device).map { (ByteString($0.0), ByteString($0.1)) } } catch {
            throw CallError("blkid: \(device): \(error.reason)", errno: error.errno)
        }
    }

    func doBlockdevGetsize64(device: String) throws(CallError) -> Int64 {
        try Daemon.geometry(device).size
    }

    func doBlockdevGetss(device: String) throws(CallError) -> Int32 {
        try Daemon.geometry(device).sectorSize
    }

    func doPartToDev(partition: String) throws(CallError) -> ByteString {
        let (disk, n) = DeviceNames.splitPartition(partition)
        guard n > 0 else { throw CallError("device name is not a partition") }
        return ByteString(devices.reverse("/dev/" + String(decoding: disk, as: UTF8.self)))
    }

    func doPartToPartnum(partition: String) throws(CallError) -> Int32 {
        let (_, n) = DeviceNames.splitPartition(partition)
        guard n > 0 else { throw CallError("device name is not a partition") }
        return Int32(clamping: n)
    }

    func doPartList(device: String) throws(CallError) -> [StructValue] {
        let table = try Daemon.partitionTable(device)
        // parted's END is the last byte, inclusive.
        return table.entries.map {
            StructValue(.partition, [.int(Int64($0.number)), .int(Int64($0.start)),
                                     .int(Int64($0.start + $0.size) - 1), .int(Int64($0.size))])
        }
    }

    func doPartGetParttype(device: String) throws(CallError) -> ByteString {
        ByteString(try Daemon.partitionTable(device).type)
    }

    func doPartGetMbrID(device: String, partnum: Int32) throws(CallError) -> Int32 {
        guard partnum >= 1 else { throw CallError("partition number must be >= 1") }
        let table = try Daemon.partitionTable(device)
        guard table.type == "msdos", let entry = table.entries.first(where: { $0.number == partnum }),
              entry.type.hasPrefix("0x"), let id = Int32(entry.type.dropFirst(2), radix: 16) else {
            throw CallError("sfdisk: \(device): partition \(partnum): no MBR partition type")
        }
        return id
    }

    func doZero(device: String) throws(CallError) {
        try zero(device)
    }

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
    /// filesystem (not MBR extended, not the MBR and GPT types of Windows' reserved and LDM
    /// partitions), each with its vfs_type or "unknown"; members of RAID/LVM sets and
    /// encrypted volumes are left out; md arrays follow the partitions, then LVs, then
    /// Windows dynamic disk volumes.
    /// Devices by their appliance names.
    func filesystems() -> [(device: String, type: String)] {
        var result: [(device: String, type: String)] = []
        func check(_ device: String) {
            let type = (try? Probe.filesystemType(device)) ?? ""
            if type.hasSuffix("_member") || type == "crypto_LUKS" || type == "BitLocker" { return }
            result.append((device, type.isEmpty ? "unknown" : type))
            // One btrfs device is many volumes: the whole (its default subvolume), then
            // each other subvolume.
            if type == "btrfs", let volumes = try? btrfsVolumes(device) {
                let defaultID = try? btrfsDefaultID(device)
                for v in volumes where v.id != defaultID { result.append((Mountable(device: device, volume: v.path).text, "btrfs")) }
            }
        }
        let table = devices.disks().filter(devices.opens)
        for disk in table where devices.partitionNames(of: disk).isEmpty { check(devices.dev + "/" + disk) }
        // Device-mapper devices that are not LVs (an opened LUKS volume may hold a
        // filesystem directly).
        for mapped in (try? doListDmDevices()) ?? [] where devices.partitionNames(of: mapped.kernelName).isEmpty {
            check(mapped.description)
        }
        // Partitions of the disks, then of md arrays (list_partitions' order).
        let mds = MD.devices(sysfs: devices.sysfs).map { String($0.dropFirst(5)) }
        for disk in table + mds {
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
        for md in mds where devices.partitionNames(of: md).isEmpty { check(devices.dev + "/" + md) }
        if Daemon.isAvailable("lvm2") {
            for lv in (try? LVM.logicalVolumes()) ?? [] { check(lv) }
        }
        // Windows dynamic disk volumes last; being device-mapper nodes they were checked
        // above too, and the real daemon lists them twice the same way.
        if Daemon.isAvailable("ldm") {
            for volume in LDM.mapped("ldm_vol_") { check(volume) }
        }
        return result
    }

    private static let reservedGPTTypes: Set<String> = [
        "5808C8AA-7E8F-42E0-85D2-E1E90434CFB3", "AF9B60A0-1431-4F62-BC68-3311714A69AD",
        "E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "CADDEBF1-4400-4DE8-B103-12117DCF3CCF",
    ]

    static func canHoldFilesystem(tableType: String, number: Int, entryType: String) -> Bool {
        switch tableType {
        // 0x42, an LDM data partition (the type sgdisk gives it as GPT), holds none itself.
        case "msdos": !((1 ... 4).contains(number) && ["0x5", "0xf", "0x85"].contains(entryType)) && entryType != "0x42"
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
