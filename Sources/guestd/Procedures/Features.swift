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
    /// The groups guestd serves whole: extended attributes and mknod always; "xz"
    /// (txz_in, txz_out) and "wipefs" when the root has the program, as the real
    /// daemon's prog_exists tests.
    static var availableGroups: Set<String> {
        var groups: Set<String> = ["linuxxattrs", "mknod"]
        for (group, program) in [("xz", "xz"), ("wipefs", "wipefs")] where hasProgram(program) { groups.insert(group) }
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

    static let featureProcedures: [(Procedure, Handler)] = [
        // 0 available, 1 known but not in this build, 2 unknown.
        (.internalFeatureAvailable, { _, c throws(CallError) in
            let group = c.text(0)
            return Reply.int(availableGroups.contains(group) ? 0 : optionalGroups.contains(group) ? 1 : 2)
        }),
        (.internalParseMountable, { _, c throws(CallError) in
            Reply.structure(StructValue(.internalMountable, [.int(0), .string(c.string(0)), .string("")]))
        }),
        // No LVM tools here: with no physical volume on any disk the lists are truly
        // empty; with one, only a daemon with LVM can answer.
        (.pvs, { d, _ throws(CallError) in try d.noVolumes() }),
        (.vgs, { d, _ throws(CallError) in try d.noVolumes() }),
        (.lvs, { d, _ throws(CallError) in try d.noVolumes() }),
        (.pvsFull, { d, _ throws(CallError) in _ = try d.noVolumes(); return Reply.structList([]) }),
        (.vgsFull, { d, _ throws(CallError) in _ = try d.noVolumes(); return Reply.structList([]) }),
        (.lvsFull, { d, _ throws(CallError) in _ = try d.noVolumes(); return Reply.structList([]) }),
    ]

    private func noVolumes() throws(CallError) -> Answer {
        let all = devices.listDevices() + devices.listPartitions()
        for dev in all {
            guard let real = try? devices.translate(dev) else { continue }
            if (try? Probe.filesystemType(real)) == "LVM2_member" { throw Daemon.unavailable("lvm2") }
        }
        return Reply.strings([String]())
    }

    /// reply_with_unavailable_feature.
    static func unavailable(_ group: String) -> CallError {
        CallError("feature '\(group)' is not available in this\nbuild of libguestfs.  Read 'AVAILABILITY' in the guestfs(3) man page for\nhow to check for the availability of features.", errno: ENOTSUP)
    }
}
