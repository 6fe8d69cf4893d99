import Glibc
import GuestProtocol

/// Windows dynamic disks (LDM) through ldmtool, as the real appliance drives them: its
/// init runs `ldmtool create all`, which maps each volume and partition of every disk
/// group it finds to /dev/mapper/ldm_vol_* and ldm_part_* with libdevmapper (no udev:
/// DM_DISABLE_UDEV, set with LVM's environment).
enum LDM {
    /// ldmtool with these words; a non-zero exit is an error made of its stderr.
    static func run(_ args: [ByteString]) throws(CallError) -> [UInt8] {
        let r = try Subprocess.appliance(["ldmtool"] + args)
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
        return r.out
    }

    /// /dev/mapper nodes whose names start with `prefix`, sorted bytewise; none when
    /// there is no /dev/mapper.
    static func mapped(_ prefix: String, mapper: String = "/dev/mapper") -> [String] {
        DirEntry.list(mapper).filter { $0.hasPrefix(prefix) }.map { mapper + "/" + $0 }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// At launch, `ldmtool create all` when some disk holds LDM metadata: the real init
    /// runs it on every boot; here disks without it cost one sector read each.
    static func createAtLaunch(disks: [String], modules: ModuleLoader, console: Console) {
        guard disks.contains(where: holdsMetadata) else { return }
        _ = modules.ensureModule("dm_mod")
        do throws(CallError) { _ = try run(["create", "all"]) } catch {
            console.info("ldmtool create all: \(error.message)")
        }
    }

    /// What libldm looks for before reading a disk's LDM database: the MBR's first entry
    /// of type 0x42 (an MBR dynamic disk), or a protective MBR (0xEE) in front of a GPT
    /// that has an LDM metadata partition.
    static func holdsMetadata(_ disk: String) -> Bool {
        let fd = open(disk, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        var sector = [UInt8](repeating: 0, count: 512)
        let n = sector.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 512, 0) }
        close(fd)
        guard n == 512 else { return false }
        switch mbrFirstType(sector) {
        case 0x42?: return true
        case 0xEE?:
            guard let table = try? Probe.partitions(disk), table.type == "gpt" else { return false }
            return table.entries.contains { $0.type == metadataPartitionType }
        default: return false
        }
    }

    /// The type byte of the first MBR entry, if the sector ends with the 0x55AA signature.
    static func mbrFirstType(_ sector: [UInt8]) -> UInt8? {
        guard sector.count >= 512, sector[510] == 0x55, sector[511] == 0xAA else { return nil }
        return sector[446 + 4]
    }

    /// The GPT type of Windows' LDM metadata partition.
    static let metadataPartitionType = "5808C8AA-7E8F-42E0-85D2-E1E90434CFB3"
}
