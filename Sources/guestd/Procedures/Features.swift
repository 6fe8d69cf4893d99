import Glibc
import GuestProtocol

/// What libguestfs's tools ask before working: optional feature groups, mountable
/// parsing, LVM. This appliance carries no LVM, LDM or MD tools, so it
/// answers as a daemon built without them does.
extension Daemon {
    /// Optional groups of libguestfs 1.48 (generator: `optional = Some …`).
    static let optionalGroups: Set<String> = [
        "acl", "blkdiscard", "blkdiscardzeroes", "btrfs", "extlinux", "f2fs", "fstrim", "gdisk", "grub", "hivex",
        "inotify", "journal", "ldm", "libtsk", "libyara", "linuxcaps", "linuxfsuuid", "linuxmodules", "linuxxattrs",
        "luks", "lvm2", "mdadm", "mknod", "ntfs3g", "ntfsprogs", "rsync", "scrub", "selinux", "selinuxrelabel",
        "sleuthkit", "squashfs", "syslinux", "wipefs", "xfs", "xz", "zerofree",
    ]
    /// The groups guestd serves whole, each checked only when asked: extended
    /// attributes, mknod and the discard ioctls always; the tool-backed groups when the
    /// root has the program, as the real daemon's prog_exists tests; the journal when
    /// libsystemd loads (Journal.swift), as a daemon built with sd-journal.
    static func isAvailable(_ group: String) -> Bool {
        switch group {
        case "linuxxattrs", "mknod", "blkdiscard", "blkdiscardzeroes": true
        case "xz", "wipefs", "fstrim", "zerofree": hasProgram(group)
        case "gdisk": hasProgram("sgdisk")
        case "journal": Journal.libraryLoads
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
        return Daemon.optionalGroups.contains(group) ? (Daemon.isAvailable(group) ? 0 : 1) : 2
    }

    func doInternalParseMountable(mountable: String) throws(CallError) -> StructValue {
        StructValue(.internalMountable, [.int(0), .string(ByteString(mountable)), .string("")])
    }

    // No LVM tools here: with no physical volume on any disk the lists are truly
    // empty; with one, only a daemon with LVM can answer.
    func doPvs() throws(CallError) -> [ByteString] { try noVolumes() }
    func doVgs() throws(CallError) -> [ByteString] { try noVolumes() }
    func doLvs() throws(CallError) -> [ByteString] { try noVolumes() }
    func doPvsFull() throws(CallError) -> [StructValue] { _ = try noVolumes(); return [] }
    func doVgsFull() throws(CallError) -> [StructValue] { _ = try noVolumes(); return [] }
    func doLvsFull() throws(CallError) -> [StructValue] { _ = try noVolumes(); return [] }

    private func noVolumes() throws(CallError) -> [ByteString] {
        let all = devices.listDevices() + devices.listPartitions()
        for dev in all {
            guard let real = try? devices.translate(dev) else { continue }
            if (try? Probe.filesystemType(real)) == "LVM2_member" { throw Daemon.unavailable("lvm2") }
        }
        return []
    }

    /// reply_with_unavailable_feature.
    static func unavailable(_ group: String) -> CallError {
        CallError("feature '\(group)' is not available in this\nbuild of libguestfs.  Read 'AVAILABILITY' in the guestfs(3) man page for\nhow to check for the availability of features.", errno: ENOTSUP)
    }
}
