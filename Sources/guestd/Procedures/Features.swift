import Glibc
import GuestProtocol

/// What libguestfs's tools ask before working: optional feature groups, mountable
/// parsing.
extension Daemon {
    /// Optional groups of libguestfs 1.48 (generator: `optional = Some …`).
    static let optionalGroups: Set<String> = [
        "acl", "blkdiscard", "blkdiscardzeroes", "btrfs", "extlinux", "f2fs", "fstrim", "gdisk", "grub", "hivex",
        "inotify", "journal", "ldm", "libtsk", "libyara", "linuxcaps", "linuxfsuuid", "linuxmodules", "linuxxattrs",
        "luks", "lvm2", "mdadm", "mknod", "ntfs3g", "ntfsprogs", "rsync", "scrub", "selinux", "selinuxrelabel",
        "sleuthkit", "squashfs", "syslinux", "wipefs", "xfs", "xz", "zerofree",
    ]
    /// Groups whose calls became part of every daemon ("retired" in the generator's
    /// optgroups.ml): the real daemon still answers that they are available.
    static let retiredGroups: Set<String> = ["augeas", "realpath"]
    /// The groups guestd serves whole: extended attributes, mknod and the retired ones
    /// always; "xz" (txz_in, txz_out), "wipefs", "luks", "btrfs" and "lvm2" when the root
    /// has the program, as the real daemon's prog_exists tests; "lvm2" only in the
    /// appliance (a daemon on the host for tests never drives the host's volumes).
    static var availableGroups: Set<String> {
        var groups: Set<String> = retiredGroups.union(["linuxxattrs", "mknod"])
        for (group, program) in [("xz", "xz"), ("wipefs", "wipefs"), ("luks", "cryptsetup"), ("btrfs", "btrfs")] where hasProgram(program) {
            groups.insert(group)
        }
        if LVM.isPrepared, hasProgram("lvm") { groups.insert("lvm2") }
        return groups
    }

    /// prog_exists: an executable of that name on the appliance's PATH.
    static func hasProgram(_ name: String) -> Bool {
        ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].contains { access($0 + "/" + name, X_OK) == 0 }
    }

    /// The stubs' check for a procedure of an optional group.
    static func requireGroup(_ group: String) throws(CallError) {
        guard availableGroups.contains(group) else { throw unavailable(group) }
    }

    /// 0 available, 1 known but not in this build, 2 unknown.
    func doInternalFeatureAvailable(group: ByteString) throws(CallError) -> Int32 {
        let group = group.description
        return Daemon.availableGroups.contains(group) ? 0 : Daemon.optionalGroups.contains(group) ? 1 : 2
    }

    /// im_type 0 is a device, 1 a btrfs subvolume.
    func doInternalParseMountable(mountable: String) throws(CallError) -> StructValue {
        let m = Mountable(mountable)
        return StructValue(.internalMountable, [.int(m.volume == nil ? 0 : 1), .string(devices.reverse(m.device)), .string(m.volume ?? "")])
    }

    /// reply_with_unavailable_feature.
    static func unavailable(_ group: String) -> CallError {
        CallError("feature '\(group)' is not available in this\nbuild of libguestfs.  Read 'AVAILABILITY' in the guestfs(3) man page for\nhow to check for the availability of features.", errno: ENOTSUP)
    }
}
