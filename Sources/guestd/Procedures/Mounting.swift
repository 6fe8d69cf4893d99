import Glibc
import GuestProtocol

/// mount, mount_ro, mount_options, umount, umount_all, mounts, mountpoints.
extension Daemon {
    static let mountProcedures: [(Procedure, Handler)] = [
        (.mount, { d, c throws(CallError) in try d.mount(device: c.text(0), mountpoint: c.string(1), options: ""); return .none }),
        (.mountRO, { d, c throws(CallError) in try d.mount(device: c.text(0), mountpoint: c.string(1), options: "ro"); return .none }),
        (.mountOptions, { d, c throws(CallError) in
            try d.mount(device: c.text(1), mountpoint: c.string(2), options: c.text(0))
            return .none
        }),
        (.umountAll, { d, _ throws(CallError) in try d.mounts.unmountAll(); return .none }),
        (.umount, { d, c throws(CallError) in
            try d.umount(c.string(0), force: c.optionalBool(0) ?? false, lazy: c.optionalBool(1) ?? false)
            return .none
        }),
        (.mounts, { d, _ throws(CallError) in Reply.strings(d.mounts.table().map { d.devices.reverse($0.source) }) }),
        (.mountpoints, { d, _ throws(CallError) in
            Reply.hashtable(d.mounts.table().map { (ByteString(d.devices.reverse($0.source)), $0.guestPath) })
        }),
    ]

    /// umount PATH|DEVICE [-f] [-l]: a device unmounts where it is mounted under the
    /// sysroot; the texts are umount(8)'s after "PATHORDEVICE: ".
    private func umount(_ arg: ByteString, force: Bool, lazy: Bool) throws(CallError) {
        let target: ByteString
        if let device = deviceArgument(arg) {
            guard let m = mounts.table().last(where: { $0.source == device }) else {
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
            throw CallError("\(arg): umount: \(target): \(String(cString: strerror(errno))).", errno: 0)
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
        let fstype = (try? Probe.filesystemType(device)) ?? ""
        modules.ensureFilesystem(fstype)
        try mounts.mount(device: device, target: target, options: options, fstype: fstype)
    }
}
