import Glibc
import GuestProtocol
import StorageText

/// md RAID as the real appliance sees it: arrays under /sys/block/mdN, assembled by
/// mdadm at launch (as its init does) before LVM looks for PVs.
enum MD {
    /// GET_ARRAY_INFO: _IOR(MD_MAJOR, 0x11, mdu_array_info_t), 18 ints.
    private static let getArrayInfo: UInt = 0x8048_0911

    /// list_md_devices: /sys/block/mdN with an md folder whose node answers
    /// GET_ARRAY_INFO with anything but ENODEV (an inactive md node does not), sorted.
    static func devices(sysfs: String = "/sys") -> [String] {
        let names = DirEntry.list(sysfs + "/block").filter { name in
            let b = Array(name.utf8)
            guard b.count > 2, name.hasPrefix("md"), b[2...].allSatisfy(DeviceNames.isDigit) else { return false }
            var st = stat()
            return stat(sysfs + "/block/" + name + "/md", &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
        }
        return DeviceNames.sorted(names.map { "/dev/" + $0 }.filter(isRaidDevice))
    }

    static func isRaidDevice(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        var info = [Int32](repeating: 0, count: 18)
        let r = info.withUnsafeMutableBytes { ioctl(fd, getArrayInfo, $0.baseAddress!) }
        return !(r == -1 && errno == ENODEV)
    }

    /// `mdadm -D --export MD` as md_detail's pairs.
    static func detail(_ md: String) throws(CallError) -> [(key: String, value: String)] {
        let out = try Daemon.ocamlCommand("mdadm", ["-D", "--export", md])
        return MDDetail.parse(String(decoding: out, as: UTF8.self))
    }

    /// Array UUID (32 digits) → appliance device, for inspection's mdadm.conf mapping.
    static func uuidMap() -> [String: String] {
        var map: [String: String] = [:]
        for md in devices() {
            guard let pairs = try? detail(md), let uuid = pairs.first(where: { $0.key == "uuid" })?.value,
                  let digits = MDUUID.normalize(uuid) else { continue }
            map[digits] = md
        }
        return map
    }

    /// What the stock appliance's boot does: `mdadm -As --auto=yes --no-degraded` for the
    /// arrays whose members are all there. (Its udev does not assemble them member by
    /// member: /proc/mdstat there lists members in the order -As adds them, which
    /// virt-filesystems shows as an array's parents.) `runDegraded` is init's later pass,
    /// after LVM: arrays still missing members are started anyway.
    static func assemble(console: Console) {
        run(["-As", "--auto=yes", "--no-degraded"], console: console)
    }

    static func runDegraded(console: Console) {
        run(["-As", "--auto=yes", "--run"], console: console)
    }

    private static func run(_ args: [String], console: Console) {
        do throws(CallError) {
            let r = try Subprocess.appliance(["mdadm"] + args)
            // Exit status 1 with nothing to do ("No arrays found") is normal here.
            if !r.succeeded, r.status != 1 { console.info("mdadm \(args.joined(separator: " ")): \(Subprocess.errorText(r))") }
        } catch {
            console.info("mdadm: \(error.message)")
        }
    }

    /// A whole small file (/proc/mdstat), or the errno of the failed call.
    static func readFile(_ path: String) throws(SysError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SysError("open", ByteString(path)) }
        defer { close(fd) }
        let bytes = try Daemon.readAll(fd, ByteString(path))
        return String(decoding: bytes, as: UTF8.self)
    }
}
