import Glibc

/// /dev/disk/guestfs/LABEL, LABEL1, … for a drive added with a label (add_drive …
/// label:LABEL): libguestfs's launcher gives its scsi-hd that serial, and the stock
/// appliance's udev rule (99-guestfs-serial.rules) links each sd* disk with a SCSI serial
/// and its partitions by that serial plus the partition number. There is no udev here:
/// guestd makes the links at boot and again when a name there does not open (a
/// partition made since).
enum DiskLabels {
    static func directory(dev: String) -> String { dev + "/disk/guestfs" }

    /// Links every labelled disk and its partitions; existing links are replaced and
    /// stale ones removed, so a repartitioned disk's links are current.
    static func refresh(sysfs: String, dev: String, disks: [String]) {
        let dir = directory(dev: dev)
        var made = false
        var partitionLinks: [(String, String)] = [], diskLinks: [(String, String)] = []
        for disk in disks where disk.hasPrefix("sd") {
            guard let serial = scsiSerial(sysfs: sysfs, disk: disk) else { continue }
            if !made {
                _ = mkdir(dev + "/disk", 0o755)
                _ = mkdir(dir, 0o755)
                made = true
            }
            for part in DirEntry.list(sysfs + "/block/" + disk) where part.hasPrefix(disk) {
                guard let n = readSysfsLine(sysfs + "/block/" + disk + "/" + part + "/partition") else { continue }
                partitionLinks.append((dir + "/" + serial + n, "../../" + part))
            }
            diskLinks.append((dir + "/" + serial, "../../" + disk))
        }
        // A tmpfs lists its newest names first: partitions' links are made first, so
        // list_disk_labels names the disks first, as from the stock appliance's udev.
        let links = partitionLinks + diskLinks
        // Links of partitions since deleted go, as udev removes them.
        let current = Set(links.map(\.0))
        for name in DirEntry.list(dir) where !current.contains(dir + "/" + name) { _ = unlink(dir + "/" + name) }
        for (path, target) in links { link(path, to: target) }
    }

    /// The unit serial number (SCSI VPD page 0x80, as scsi_id reads it): a 4-byte header
    /// whose bytes 2–3 give the length, then the serial, blanks trimmed. A name with a
    /// "/" could not be a link; none is made for it.
    static func scsiSerial(sysfs: String, disk: String) -> String? {
        let fd = open(sysfs + "/block/" + disk + "/device/vpd_pg80", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var page = [UInt8](repeating: 0, count: 260)
        let n = read(fd, &page, page.count)
        guard n >= 4, page[1] == 0x80 else { return nil }
        let length = min(Int(page[2]) << 8 | Int(page[3]), n - 4)
        let serial = String(decoding: page[4 ..< 4 + length], as: UTF8.self).trimmingBlanks()
        guard !serial.isEmpty, !serial.contains("/"), serial != ".", serial != ".." else { return nil }
        return serial
    }

    private static func link(_ path: String, to target: String) {
        _ = unlink(path)
        _ = symlink(target, path)
    }
}

private extension String {
    func trimmingBlanks() -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\0" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}
