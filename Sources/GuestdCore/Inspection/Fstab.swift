import GuestProtocol

/// A Linux root's /etc/fstab as inspection reads it (daemon/inspect_fs_unix_fstab.ml of
/// libguestfs 1.48, which reads it through Augeas's Fstab lens): the entries that name
/// a filesystem on the guest's disks, each resolved to an appliance device. Fields are
/// the file's bytes: a mount point is a guest name.
struct Fstab {
    struct Entry: Equatable {
        var spec: ByteString
        var file: ByteString
        /// Augeas keeps one vfstype node per comma-separated type; the real daemon's
        /// aug_get of a multi-node path fails, which drops the entry.
        var vfsTypes: [ByteString]
        /// The options field split on commas ("subvol=root" …); empty when absent.
        var options: [ByteString] = []
    }

    /// The Fstab lens's records: "spec file vfstype[,…] [opts [dump [passno]]]" split on
    /// blanks, "#" starting a comment. A line the lens would reject (fewer than three
    /// fields) is skipped here, where Augeas fails the whole inspection.
    static func parse(_ text: [UInt8]) -> [Entry] {
        var entries: [Entry] = []
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var fields: [ArraySlice<UInt8>] = []
            for word in line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                if word.first == UInt8(ascii: "#") { break }
                fields.append(word)
            }
            guard fields.count >= 3, fields[0].first != UInt8(ascii: ",") else { continue }
            let types = fields[2].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { ByteString($0) }
            let options = fields.count > 3 ? fields[3].split(separator: UInt8(ascii: ",")).map { ByteString($0) } : []
            entries.append(Entry(spec: ByteString(fields[0]), file: ByteString(fields[1]), vfsTypes: types, options: options))
        }
        return entries
    }

    /// How specs become devices: by UUID or LABEL (findfs), the root itself for
    /// /dev/root, and guest device names mapped onto the appliance's disks.
    struct Resolver {
        /// The appliance device holding the root filesystem being inspected.
        var root: String
        /// The user's disks as the appliance names them ("/dev/sdb" …), in attach order.
        var disks: [String]
        /// findfs: the first appliance device whose TAG (UUID or LABEL) is the value.
        var findfs: (_ tag: String, _ value: String) -> String?
        /// The appliance name of a user-visible name (/dev/sda1 → /dev/sdb1).
        var translate: (String) -> String
        /// /dev/VG/LV for a /dev/mapper name of an LV (names with "-" in them cannot be
        /// split by hand), nil for another mapping or none.
        var canonicalLV: (String) -> String? = { _ in nil }
        /// The guest's /dev/mdN (from its mdadm.conf) → the appliance's array with
        /// the same UUID.
        var mdDevices: [String: String] = [:]

        /// check_fstab_entry: the (device, mountpoint) of one entry, or nil to skip it.
        /// Specs are matched as text: one that is not UTF-8 names no device found here.
        func resolve(_ e: Entry) -> (device: String, mountpoint: ByteString)? {
            guard let spec = e.spec.string else { return nil }
            let b = Array(spec.utf8)
            let digitAt7 = b.count >= 8 && DeviceNames.isDigit(b[7])
            // Floppies and CD-ROMs (RHBZ#642929), FreeBSD install media.
            if (spec.hasPrefix("/dev/fd") && digitAt7) || (spec.hasPrefix("/dev/cd") && digitAt7)
                || spec == "/dev/floppy" || spec == "/dev/cdrom" || spec.hasPrefix("/dev/iso9660/") { return nil }
            let mp = Unquote.canonicalPath(e.file)
            for ignored in ["/dev", "/media", "/proc", "/selinux", "/sys"] as [ByteString]
            where mp == ignored || mp.hasPrefix(ignored + "/") {
                // "/media" itself is kept, as by the real daemon.
                if ignored == "/media" && mp == "/media" { continue }
                return nil
            }
            let device: String
            if spec.hasPrefix("UUID=") {
                guard let d = findfs("UUID", Unquote.shell(String(spec.dropFirst(5)))) else { return nil }
                device = d
            } else if spec.hasPrefix("LABEL=") {
                guard let d = findfs("LABEL", Unquote.shell(String(spec.dropFirst(6)))) else { return nil }
                device = d
            } else if spec == "/dev/root" {
                device = root
            } else if spec.hasPrefix("/dev/") {
                device = resolveDevice(spec)
            } else if ReleaseFiles.matches(#"^[0-9a-f]{16}\.[a-z]"#, spec) {
                // An OpenBSD disklabel UID: assumed to be on the first disk.
                device = resolveDevice("/dev/sd0" + String(b[17 ..< 18].map { Character(UnicodeScalar($0)) }))
            } else {
                return nil  // tmpfs, proc, "/.swap" …
            }
            guard e.vfsTypes.count == 1 else { return nil }
            // get_btrfs_mountable: a btrfs entry with subvol= names that subvolume.
            if e.vfsTypes[0] == "btrfs", !device.hasPrefix(Mountable.btrfsPrefix),
               let subvol = e.options.first(where: { $0.hasPrefix("subvol=") }) {
                return (Mountable(device: device, volume: String(decoding: subvol.bytes.dropFirst(7), as: UTF8.self)).text, mp)
            }
            return (device, mp)
        }

        /// resolve_fstab_device for a Linux guest: /dev/[hsv]d or /dev/xvd names by
        /// drive letter onto the appliance's disks in order, /dev/disk/by-id/…-partN on
        /// a single disk, FreeBSD and Hurd names by number; anything else unchanged.
        func resolveDevice(_ spec: String) -> String {
            if spec.hasPrefix("/dev/mapper") { return canonicalLV(spec) ?? spec }
            if ReleaseFiles.matches(#"^/dev/md\d+$"#, spec) { return mdDevices[spec] ?? spec }
            if let m = ReleaseFiles.groups(#"^/dev/(h|s|v|xv)d([a-z]+)(\d*)$"#, spec) {
                return xdev(disk: m[1], part: m[2]) ?? spec
            }
            if let m = ReleaseFiles.groups(#"^/dev/disk/by-id/.*-part(\d+)$"#, spec) {
                // Only safe with one disk: the original SCSI ids are gone.
                guard disks.count == 1, let n = Int(m[0]), n > 0 else { return spec }
                return translate("/dev/sda" + String(n))
            }
            if let m = ReleaseFiles.groups(#"^/dev/(ada{0,1}|vtbd)(\d+)p(\d+)$"#, spec),
               let disk = Int(m[1]), let part = Int(m[2]), (0 ... 26).contains(disk), (0 ... 128).contains(part) {
                return translate("/dev/sd" + DeviceNames.driveName(disk) + String(part))
            }
            if let m = ReleaseFiles.groups(#"^/dev/(ada{0,1}|vtbd)(\d+)s(\d+)([a-z])$"#, spec),
               let disk = Int(m[1]), let slice = Int(m[2]), let letter = m[3].utf8.first {
                var part = Int(letter) - Int(UInt8(ascii: "a"))
                if part > 2 { part -= 1 }  // 'c' is the whole slice
                guard (0 ... 26).contains(disk), slice == 1, (0 ..< 25).contains(part) else { return spec }
                return translate("/dev/sd" + DeviceNames.driveName(disk) + String(part + 5))
            }
            if let m = ReleaseFiles.groups(#"^/dev/(h)d(\d+)s(\d+)$"#, spec), let disk = Int(m[1]), disk < 26 {
                return xdev(disk: DeviceNames.driveName(disk), part: m[2]) ?? spec
            }
            return spec
        }

        /// resolve_xdev: the disk with that drive letter, if it exists, with the
        /// partition number appended; only a partition counts.
        private func xdev(disk letters: String, part: String) -> String? {
            guard let i = DeviceNames.driveIndex(Array(letters.utf8)), i < disks.count else { return nil }
            let dev = disks[i] + part
            return DeviceNames.splitPartition(dev).partition > 0 ? dev : nil
        }
    }
}
