import Glibc
import GuestProtocol

/// Block device enumeration as the real daemon's devsparts.ml does it, reading
/// /sys/block (there is no udev, so no /dev/disk/by-path), hiding the appliance's own
/// root device, and translating names so the user's disks are /dev/sda, /dev/sdb, … in
/// attach order whatever bus they are on and wherever the root disk sits.
struct Devices {
    /// The kinds of block device the real daemon lists, and Xen's xvd*: listed, like
    /// the others, under the user's names /dev/sda, /dev/sdb, … in attach order.
    static let prefixes = ["sd", "hd", "ubd", "vd", "sr", "xvd"]

    /// Where enumeration reads: /sys and /dev, or in host test mode recorded trees.
    let sysfs: String
    let dev: String

    /// st_dev of "/": the device holding guestd's own root.
    let rootDevice: dev_t
    /// /sys/block names never to show: the root's disk itself, or the whole disk when
    /// the root is one of its partitions.
    let hiddenDisks: Set<String>

    init(sysfs: String = "/sys", dev: String = "/dev") {
        self.sysfs = sysfs
        self.dev = dev
        var st = stat()
        rootDevice = stat("/", &st) == 0 ? st.st_dev : dev_t.max
        hiddenDisks = Devices.disks(holding: rootDevice, sysfs: sysfs)
    }

    /// The /sys/block names the root lives on: via /sys/dev/block/MAJ:MIN, whose target
    /// is .../block/sdb for a disk or .../block/sdb/sdb1 for a partition.
    private static func disks(holding dev: dev_t, sysfs: String) -> Set<String> {
        let link = sysfs + "/dev/block/\(Devices.major(dev)):\(Devices.minor(dev))"
        guard let real = realpath(link, nil) else { return [] }
        defer { free(real) }
        let parts = String(cString: real).split(separator: "/").map(String.init)
        guard let last = parts.last else { return [] }
        var names: Set<String> = [last]
        if access(link + "/partition", F_OK) == 0, parts.count >= 2 { names.insert(parts[parts.count - 2]) }
        return names
    }

    /// glibc's major()/minor() are macros Swift does not import; same bit layout.
    static func major(_ dev: dev_t) -> UInt64 { (UInt64(dev) >> 8) & 0xfff | (UInt64(dev) >> 32) & ~0xfff }
    static func minor(_ dev: dev_t) -> UInt64 { UInt64(dev) & 0xff | (UInt64(dev) >> 12) & ~0xff }

    /// is_root_device: the node's rdev is the root's st_dev, or it is the root's disk.
    func isRoot(_ name: String) -> Bool {
        if hiddenDisks.contains(name) { return true }
        var st = stat()
        return stat(dev + "/" + name, &st) == 0 && st.st_rdev == rootDevice
    }

    /// The translation table: the non-root disks in attach order, index i being the
    /// user's /dev/sd<driveName(i)>. Like the real cache, it keeps disks without media.
    func disks() -> [String] {
        let names = DirEntry.list(sysfs + "/block").filter { n in
            Devices.prefixes.contains { n.hasPrefix($0) } && !isRoot(n)
        }
        return AttachOrder.sorted(names, sysfs: sysfs)
    }

    /// list_devices: the disks that can be opened (an empty CD-ROM cannot), by their
    /// user-visible names.
    func listDevices() -> [String] {
        let table = disks()
        return table.filter(opens).map { reverse(dev + "/" + $0, table: table) }
    }

    /// list_partitions: partitions of listed disks, then of md devices, each group sorted.
    func listPartitions() -> [String] {
        let table = disks()
        var result: [String] = []
        for disk in table.filter(opens) {
            result += partitions(of: disk).map { reverse($0, table: table) }
        }
        let md = DirEntry.list(sysfs + "/block").filter { n in
            let b = Array(n.utf8)
            return n.hasPrefix("md") && b.count >= 3 && DeviceNames.isDigit(b[2])
        }
        for disk in md { result += partitions(of: disk) }
        return result
    }

    /// Entries of /sys/block/DISK named DISK…, e.g. sda1, nvme0n1p1.
    private func partitions(of disk: String) -> [String] {
        partitionNames(of: disk).map { dev + "/" + $0 }
    }

    /// The partition names of a disk ("sdb1" …), sorted.
    func partitionNames(of disk: String) -> [String] {
        DeviceNames.sorted(DirEntry.list(sysfs + "/block/" + disk).filter { $0.hasPrefix(disk) })
    }

    /// The user's disks that open and their partitions, as device paths under `dev`:
    /// what findfs searches for a UUID or LABEL.
    func blockDevices() -> [String] {
        disks().filter(opens).flatMap { disk in ([disk] + partitionNames(of: disk)).map { dev + "/" + $0 } }
    }

    /// canOpen under this instance's /dev.
    func opens(_ name: String) -> Bool {
        let fd = open(dev + "/" + name, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { close(fd) }
        return fd >= 0
    }

    static func canOpen(_ name: String) -> Bool {
        let fd = open("/dev/" + name, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { close(fd) }
        return fd >= 0
    }

    /// reverse_device_name_translation: /dev/vdb1 → /dev/sdb1 when vdb is table entry 1.
    func reverse(_ device: String, table: [String]? = nil) -> String {
        // A btrfs subvolume's device part ("btrfsvol:/dev/sdb2/root").
        if device.hasPrefix(Mountable.btrfsPrefix) {
            return Mountable.btrfsPrefix + reverse(String(device.dropFirst(Mountable.btrfsPrefix.count)), table: table)
        }
        let table = table ?? disks()
        for (i, disk) in table.enumerated() {
            let full = dev + "/" + disk
            guard device.hasPrefix(full) else { continue }
            let rest = device.dropFirst(full.count)
            if rest.isEmpty || rest.utf8.first.map(DeviceNames.isDigit) == true {
                return "/dev/sd" + DeviceNames.driveName(i) + rest
            }
        }
        return device
    }

    /// Every /dev name in an error text in the user's terms: tools such as mount(8) name
    /// the appliance's /dev/vda1 where the caller asked for /dev/sda1.
    func reverseNames(in text: ByteString) -> ByteString {
        let bytes = text.bytes, prefix = Array("/dev/".utf8)
        guard bytes.count > prefix.count else { return text }
        var table: [String]?
        var out: [UInt8] = [], i = 0
        while i < bytes.count {
            guard bytes[i...].starts(with: prefix) else { out.append(bytes[i]); i += 1; continue }
            var end = i + prefix.count
            while end < bytes.count, DeviceNames.isDigit(bytes[end]) || (bytes[end] >= 0x61 && bytes[end] <= 0x7a) { end += 1 }
            if table == nil { table = disks() }
            out += Array(reverse(String(decoding: bytes[i..<end], as: UTF8.self), table: table).utf8)
            i = end
        }
        return ByteString(out)
    }

    /// device_name_translation: /dev/sdX[N], /dev/vdX[N] … name the Xth user disk; other
    /// names pass through. The result must open, else the old-style /dev/sd → vd, hd,
    /// ubd fallbacks are tried. Throws the errno of the failed open.
    func translate(_ device: String) throws(SysError) -> String {
        var candidate = device
        let bytes = Array(device.utf8)
        if bytes.count > 5, device.hasPrefix("/dev/"), !bytes[5...].contains(UInt8(ascii: "/")),
           bytes[5] != UInt8(ascii: "m"),
           let d = bytes[5...].firstIndex(of: UInt8(ascii: "d")), d - 5 >= 1, d - 5 <= 2 {
            let start = bytes[(d + 1)...]
            let letters = start.prefix { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
            let table = disks()
            if letters.count < 15, let i = DeviceNames.driveIndex(letters), i < table.count {
                candidate = dev + "/" + table[i] + String(decoding: start.dropFirst(letters.count), as: UTF8.self)
            }
        }
        var fd = open(candidate, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { close(fd); return candidate }
        var err = errno
        // A label link of a partition made since boot: the links are made again.
        if err == ENOENT, candidate.hasPrefix(DiskLabels.directory(dev: dev) + "/"), dev != "/dev" || getpid() == 1 {
            DiskLabels.refresh(sysfs: sysfs, dev: dev, disks: disks())
            fd = open(candidate, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { close(fd); return candidate }
            err = errno
        }
        guard (err == ENXIO || err == ENOENT), device.hasPrefix("/dev/sd") else { throw SysError("open", candidate, errno: err) }
        let unit = device.dropFirst("/dev/sd".count)
        for alt in ["/dev/vd", "/dev/hd", "/dev/ubd"] {
            fd = open(alt + unit, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { close(fd); return alt + unit }
            err = errno
        }
        throw SysError("open", device, errno: err)
    }

    /// is_device_parameter: a /dev/sd name (translation may find it), or an openable
    /// block device; never the appliance's own root, which a /dev/sd name past the last
    /// disk would otherwise reach under libguestfs's launcher. In host test mode a
    /// recorded /dev tree's nodes (image files) count too.
    func isDeviceParameter(_ device: String) -> Bool {
        let recorded = dev != "/dev" && device.hasPrefix(dev + "/")
        guard device.hasPrefix("/dev/") || recorded else { return false }
        var st = stat()
        if device.hasPrefix("/dev/sd") { return stat(device, &st) != 0 || st.st_rdev != rootDevice }
        guard stat(device, &st) == 0 else { return false }
        if st.st_mode & S_IFMT == S_IFDIR { return device.utf8.count > 5 }
        let isNode = st.st_mode & S_IFMT == S_IFBLK || (recorded && st.st_mode & S_IFMT == S_IFREG)
        guard isNode, st.st_rdev != rootDevice || recorded else { return false }
        let name = String(device.dropFirst(5))
        if hiddenDisks.contains(name) { return false }
        let fd = open(device, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// The kernel's device numbers of the user's disks and partitions, each mapped to the
    /// number the stock appliance's kernel gives that disk (sd: major 8, minor 16 × the
    /// user's index + the partition number, for the first 16 disks; the root comes last
    /// there). SCSI disks are named in parallel probe order here, so without this a
    /// file's st_dev would change from boot to boot (virt-diff compares two boots).
    func userDeviceNumbers() -> [UInt64: UInt64] {
        var map: [UInt64: UInt64] = [:]
        for (i, disk) in disks().enumerated() where i < 16 {
            func add(_ sysDir: String, _ partition: Int) {
                guard partition < 16, let text = readSysfsLine(sysDir + "/dev") else { return }
                let parts = text.split(separator: ":").compactMap { UInt64($0) }
                guard parts.count == 2 else { return }
                map[Devices.makedev(parts[0], parts[1])] = Devices.makedev(8, UInt64(16 * i + partition))
            }
            add(sysfs + "/block/" + disk, 0)
            for part in partitionNames(of: disk) {
                let dir = sysfs + "/block/" + disk + "/" + part
                if let n = readSysfsLine(dir + "/partition").flatMap({ Int($0) }) { add(dir, n) }
            }
        }
        return map
    }

    /// glibc's makedev(), which Swift does not import: the inverse of major()/minor().
    static func makedev(_ major: UInt64, _ minor: UInt64) -> UInt64 {
        (major & 0xfff) << 8 | (major & ~0xfff) << 32 | (minor & 0xff) | (minor & ~0xff) << 12
    }

    /// is_device_parameter on a caller's name, as REQUIRE_ROOT_OR_RESOLVE_DEVICE asks it
    /// before resolving: the test applies to the device the name translates to, since the
    /// kernel may have given the caller's /dev/sdc to the appliance's own root disk.
    func isDeviceArgument(_ name: String) -> Bool {
        guard name.hasPrefix("/dev/sd"), let real = try? translate(name) else { return isDeviceParameter(name) }
        return isDeviceParameter(real)
    }

    /// RESOLVE_DEVICE as the stubs do it; `function` names the stub in the messages.
    func resolve(_ device: String, function: String) throws(CallError) -> String {
        let real: String
        do { real = try translate(device) } catch { throw CallError.perror("\(function): \(device)", error.errno).inCallersNames }
        guard isDeviceParameter(real) else { throw CallError("\(function): \(device): expecting a device name").inCallersNames }
        return real
    }
}
