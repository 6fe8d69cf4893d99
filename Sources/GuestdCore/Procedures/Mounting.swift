import Glibc
import GuestProtocol
import SystemCalls

/// mount, mount_ro, mount_options, umount, umount_all, mounts, mountpoints.
extension Daemon {
    func doMount(mountable: String, mountpoint: ByteString) throws(CallError) {
        try mount(device: mountable, mountpoint: mountpoint, options: "")
    }

    func doMountRO(mountable: String, mountpoint: ByteString) throws(CallError) {
        try mount(device: mountable, mountpoint: mountpoint, options: "ro")
    }

    func doMountOptions(options: ByteString, mountable: String, mountpoint: ByteString) throws(CallError) {
        try mount(device: mountable, mountpoint: mountpoint, options: options.description)
    }

    func doUmountAll() throws(CallError) {
        closeGuestHandles()
        try mounts.unmountAll()
    }

    /// The Augeas, hivex and journal handles hold files of the guest open, so an unmount
    /// would fail while any is open: the real daemon closes all three before unmounting.
    func closeGuestHandles() {
        Daemon.closeAugeas()
        Daemon.closeHive()
        journal.close()
    }

    func doUmount(pathordevice: ByteString, force: Bool?, lazyunmount: Bool?) throws(CallError) {
        try umount(pathordevice, force: force ?? false, lazy: lazyunmount ?? false)
    }

    func doMounts() throws(CallError) -> [ByteString] {
        var result: [ByteString] = []
        for m in mounts.table() { result.append(try shownSource(m.source)) }
        return result
    }

    func doMountpoints() throws(CallError) -> [(ByteString, ByteString)] {
        var result: [(ByteString, ByteString)] = []
        for m in mounts.table() { result.append((try shownSource(m.source), m.guestPath)) }
        return result
    }

    /// A mounted device by the user's name: an LV as /dev/VG/LV, not the /dev/mapper
    /// name the kernel lists; a LUKS mapping stays as it is.
    private func shownSource(_ source: String) throws(CallError) -> ByteString {
        if source.hasPrefix("/dev/mapper/") || source.hasPrefix("/dev/dm-"), Daemon.isAvailable("lvm2"),
           let lv = try LVM.canonical(source) {
            return ByteString(lv)
        }
        return ByteString(devices.reverse(source))
    }

    /// umount PATH|DEVICE [-f] [-l]: a device unmounts where it is mounted under the
    /// sysroot; the texts are umount(8)'s after "PATHORDEVICE: ".
    private func umount(_ arg: ByteString, force: Bool, lazy: Bool) throws(CallError) {
        let target: ByteString
        if let device = deviceArgument(arg) {
            guard let m = mounts.table().last(where: { $0.source == device || Self.sameNode($0.source, device) }) else {
                throw CallError("\(arg): umount: \(arg): not mounted.")
            }
            target = m.hostPath
        } else {
            let host = ByteString(mounts.sysroot) + (arg == "/" ? "" : arg)
            guard mounts.mountPoints().contains(host) else {
                let exists = (try? sysroot.statFollowing(arg)) != nil
                throw CallError("\(arg): umount: \(host): \(exists ? "not mounted." : "no mount point specified.")")
            }
            target = host
        }
        let flags = (force ? Int32(MNT_FORCE) : 0) | (lazy ? Int32(MNT_DETACH) : 0)
        guard umount2(target.cString, flags) == 0 else {
            throw CallError("\(arg): umount: \(target): \(Errno(errno).text).", errno: 0)
        }
    }

    /// mount_vfs (daemon/mount.ml): the mountpoint must be a directory in the sysroot;
    /// the filesystem's module is loaded first since nothing in the appliance would load
    /// it on demand.
    func mount(device: String, mountpoint: ByteString, options: String) throws(CallError) {
        let notDirectory = CallError("mount: \(mountpoint): mount point is not a directory")
        guard mountpoint.hasPrefix("/") else { throw notDirectory }
        let target: ByteString
        // 1.48's is_directory: any stat failure (a missing path too) is "not a directory".
        do { target = try sysroot.directoryHostPath(mountpoint) } catch { throw notDirectory }
        let m = Mountable(device)
        let fstype = (try? Probe.filesystemType(m.device)) ?? ""
        // NTFS mounts through mount.ntfs, ntfs-3g over FUSE (the kernel has no ntfs3).
        if fstype == "ntfs" { _ = modules.ensureModule("fuse") } else { modules.ensureFilesystem(fstype) }
        // A btrfs subvolume is its device mounted with subvol=, after the caller's options.
        let all = m.volume.map { options.isEmpty ? "subvol=\($0)" : "\(options),subvol=\($0)" } ?? options
        try mounts.mount(device: m.device, target: target, options: all, fstype: fstype)
    }
}

extension Daemon {
    /// Two names of one block device (/dev/VG/LV and /dev/mapper/VG-LV).
    static func sameNode(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_mode & S_IFMT == S_IFBLK && sa.st_rdev == sb.st_rdev
    }
}
