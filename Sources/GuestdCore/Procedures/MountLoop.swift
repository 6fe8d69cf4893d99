import Glibc
import GuestProtocol

/// mount_loop (daemon/mount.c of libguestfs 1.48): a guest file mounted through a loop
/// device on a guest directory. The loop module is loaded first: without udev nothing
/// made /dev/loop-control for it at boot.
extension Daemon {
    func doMountLoop(file: ByteString, mountpoint: ByteString) throws(CallError) {
        let image: ByteString, target: ByteString
        do { image = try sysroot.hostPath(file) } catch {
            // mount(8)'s words for a loop source that is not there, as the real daemon
            // passes them on.
            let root = ByteString(options.sysroot)
            throw CallError("\(file) on \(mountpoint): mount: \(root + mountpoint): failed to setup loop device for \(root + file).")
        }
        do { target = try sysroot.directoryHostPath(mountpoint) } catch { throw CallError.perror(mountpoint, error.errno) }
        _ = modules.ensureModule("loop")
        let fstype = (try? Probe.filesystemType(image.description)) ?? ""
        modules.ensureFilesystem(fstype)
        do throws(CallError) {
            try mounts.mount(device: image.description, target: target, options: "loop", fstype: fstype)
        } catch {
            throw CallError("\(file) on \(mountpoint): \(error.message)")
        }
    }
}
