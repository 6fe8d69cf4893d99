import Glibc
import GuestProtocol

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

    func doUmountAll() throws(CallError) { try mounts.unmountAll() }

    func doUmount(pathordevice: ByteString, force: Bool?, lazyunmount: Bool?) throws(CallError) {
        try umount(pathordevice, force: force ?? false, lazy: lazyunmount ?? false)
    }

    func doMounts() throws(CallError) -> [ByteString] { mounts.table().map { ByteString(devices.reverse($0.source)) } }

    func doMountpoints() throws(CallError) -> [(ByteString, ByteString)] {
        mounts.table().map { (ByteString(devices.reverse($0.source)), $0.guestPath) }
    }

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
