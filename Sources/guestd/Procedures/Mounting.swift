import Glibc
import GuestProtocol

/// mount, mount_ro, mount_options, umount, umount_all, mounts, mountpoints.
extension Daemon {
    static let mountProcedures: [(Procedure, Handler)] = [
        (.mount, { d, c throws(CallError) in try d.mount(device: c.string(0), mountpoint: c.string(1), options: ""); return .none }),
        (.mountRO, { d, c throws(CallError) in try d.mount(device: c.string(0), mountpoint: c.string(1), options: "ro"); return .none }),
        (.mountOptions, { d, c throws(CallError) in
            try d.mount(device: c.string(1), mountpoint: c.string(2), options: c.string(0))
            return .none
        }),
        (.umountAll, { d, _ throws(CallError) in try d.mounts.unmountAll(); return .none }),
    ]

    /// mount_vfs: the mountpoint must be a directory in the sysroot; the filesystem's
    /// module is loaded first since nothing in the appliance would load it on demand.
    func mount(device: String, mountpoint: String, options: String) throws(CallError) {
        let notDirectory = CallError("mount: \(mountpoint): mount point is not a directory")
        guard mountpoint.hasPrefix("/") else { throw notDirectory }
        let target: String
        do { target = try sysroot.directoryHostPath(mountpoint) } catch {
            throw error.errno == ENOTDIR ? notDirectory : CallError.perror("mount: \(mountpoint)", error.errno)
        }
        let fstype = (try? Probe.filesystemType(device)) ?? ""
        modules.ensureFilesystem(fstype)
        try mounts.mount(device: device, target: target, userMountpoint: mountpoint, options: options, fstype: fstype)
    }
}
