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
    /// The groups guestd serves whole, each checked only when asked: extended
    /// attributes, mknod, the discard ioctls and the retired groups always; the tool-backed groups when the
    /// root has the program, as the real daemon's prog_exists tests ("lvm2" only in the
    /// appliance: a daemon on the host for tests never drives the host's volumes); the
    /// journal when libsystemd loads (Journal.swift), as a daemon built with sd-journal;
    /// hivex, acl, linuxcaps, libyara and selinux when libhivex, libacl, libcap, libyara and
    /// libselinux load.
    static func isAvailable(_ group: String) -> Bool {
        switch group {
        case "linuxxattrs", "mknod", "blkdiscard", "blkdiscardzeroes", "augeas", "realpath": true
        case "xz", "wipefs", "fstrim", "zerofree", "btrfs", "syslinux", "extlinux": hasProgram(group)
        case "luks": hasProgram("cryptsetup")
        case "linuxfsuuid": hasProgram("mkswap")
        case "gdisk": hasProgram("sgdisk")
        case "xfs": hasProgram("mkfs.xfs")
        case "selinuxrelabel": hasProgram("setfiles")
        case "sleuthkit": hasProgram("icat")
        case "libtsk": TSK.loads
        case "lvm2": LVM.isPrepared && hasProgram("lvm")
        // Like lvm2, only in the appliance: a daemon on the host never drives its disks.
        case "mdadm": LVM.isPrepared && hasProgram("mdadm")
        case "ntfs3g": LVM.isPrepared && hasProgram("ntfs-3g.probe")
        case "ntfsprogs": LVM.isPrepared && hasProgram("ntfsresize")
        case "ldm": LVM.isPrepared && hasProgram("ldmtool")
        // As a daemon linked with libyara: available when it loads.
        case "libyara": YaraLibrary.loads
        case "journal": Journal.libraryLoads
        case "hivex": HivexLibrary.loads
        // As a daemon linked with libacl and libcap: available when they load.
        case "acl": AclLibrary.loads
        case "linuxcaps": CapLibrary.loads
        case "rsync": hasProgram("rsync")
        case "scrub": hasProgram("scrub")
        case "f2fs": hasProgram("resize.f2fs")
        case "squashfs": hasProgram("mksquashfs")
        case "grub": hasProgram("grub-install")
        case "linuxmodules": kernelLoadsModules && hasProgram("modprobe")
        case "selinux": SELinuxLibrary.loads
        // Every Linux kernel the appliance boots has inotify.
        case "inotify": true
        default: false
        }
    }

    /// prog_exists: an executable of that name on the appliance's PATH.
    static func hasProgram(_ name: String) -> Bool {
        ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].contains { access($0 + "/" + name, X_OK) == 0 }
    }

    /// The stubs' check for a procedure of an optional group.
    static func requireGroup(_ group: String) throws(CallError) {
        guard isAvailable(group) else { throw unavailable(group) }
    }

    /// 0 available, 1 known but not in this build, 2 unknown.
    func doInternalFeatureAvailable(group: ByteString) throws(CallError) -> Int32 {
        let group = group.description
        return Daemon.optionalGroups.contains(group) || Daemon.retiredGroups.contains(group) ? (Daemon.isAvailable(group) ? 0 : 1) : 2
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
