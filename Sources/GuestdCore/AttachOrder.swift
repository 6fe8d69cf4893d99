import Glibc

/// The order in which qemu attached the disks, read from where each sits on its bus:
/// /sys/block/NAME links to /sys/devices/pci0000:00/0000:00:04.0/virtio2/host0/
/// target0:0:1/0:0:1:0/block/sdb. Kernel names follow probe order, which for SCSI disks
/// (probed in parallel) changes from boot to boot; bus addresses do not.
enum AttachOrder {
    /// `names` (entries of `sysfs`/block) by bus address; by name, as the real daemon
    /// sorts, when any of them has no device path (a recorded tree of plain folders).
    static func sorted(_ names: [String], sysfs: String) -> [String] {
        var keyed: [(name: String, path: [String])] = []
        for name in names {
            guard let real = realpath(sysfs + "/block/" + name, nil) else { return DeviceNames.sorted(names) }
            defer { free(real) }
            let path = String(cString: real)
            guard path != sysfs + "/block/" + name else { return DeviceNames.sorted(names) }
            keyed.append((name, path.split(separator: "/").map(String.init)))
        }
        return keyed.sorted { precedes($0.path, $1.path) }.map(\.name)
    }

    /// Component by component, each split at punctuation into fields (0000:00:0a.0 →
    /// 0000 00 0a 0; target0:0:10 → target0 0 10).
    static func precedes(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            let fx = fields(x), fy = fields(y)
            for (p, q) in zip(fx, fy) where p != q { return fieldPrecedes(p, q) }
            return fx.count < fy.count
        }
        return a.count < b.count
    }

    private static func fields(_ s: String) -> [Substring] {
        s.split { !($0.isLetter || $0.isNumber) }
    }

    /// Decimal numbers by value (target 2 before target 10); hex fields of equal width,
    /// as PCI addresses are written, by their text (09 before 0a); names with numbers
    /// naturally (virtio2 before virtio10).
    static func fieldPrecedes(_ p: Substring, _ q: Substring) -> Bool {
        if let m = Int(p), let n = Int(q) { return m < n }
        if p.count == q.count, p.allSatisfy(\.isHexDigit), q.allSatisfy(\.isHexDigit) { return p < q }
        let (pl, pn) = splitTrailingNumber(p), (ql, qn) = splitTrailingNumber(q)
        if pl == ql, let pn, let qn { return pn < qn }
        return p < q
    }

    private static func splitTrailingNumber(_ s: Substring) -> (Substring, Int?) {
        let letters = s.prefix { !$0.isNumber }
        return (letters, Int(s.dropFirst(letters.count)))
    }

    /// SCSI disks are probed asynchronously: one attached before the root may still have
    /// no block device when init has found the root. Waits (at most `seconds`) until
    /// every SCSI device that a loaded driver takes — disks by sd, CD-ROMs by sr — has
    /// one, so that the first reply already lists every disk. Returns those still
    /// without one.
    @discardableResult
    static func settle(sysfs: String = "/sys", seconds: Double = 10) -> [String] {
        let deadline = monotonicSeconds() + seconds
        while true {
            let pending = unsettledSCSIDevices(sysfs: sysfs)
            if pending.isEmpty || monotonicSeconds() > deadline { return pending }
            usleep(5_000)
        }
    }

    /// SCSI peripheral types (SPC): 0 disk, 7 optical, 14 simplified disk go to sd; 5 CD-ROM to sr.
    private static func unsettledSCSIDevices(sysfs: String) -> [String] {
        let bus = sysfs + "/bus/scsi"
        let drivers = Set(DirEntry.list(bus + "/drivers"))
        return DirEntry.list(bus + "/devices").filter { device in
            guard device.first?.isNumber == true, let type = readSysfsLine("\(bus)/devices/\(device)/type").flatMap({ Int($0) }) else { return false }
            let driver = [0, 7, 14].contains(type) ? "sd" : type == 5 ? "sr" : nil
            guard let driver, drivers.contains(driver) else { return false }
            return access("\(bus)/devices/\(device)/block", F_OK) != 0
        }
    }
}
