import Glibc
import GuestProtocol

/// mkmountpoint, rmmountpoint (daemon/mount.c of libguestfs 1.48): mkdir and rmdir in
/// the sysroot without NEED_ROOT, so several filesystems can be mounted side by side
/// with none on "/". The stock appliance's root is writable; ours is read-only, so
/// the first mount point on an empty sysroot puts a small tmpfs there, which every
/// mount listing and umount_all leave out (Mounts.mountpointsSource).
extension Daemon {
    func doMkmountpoint(exemptpath: ByteString) throws(CallError) {
        try absolutePath(exemptpath, "do_mkmountpoint")
        if !isHostTest, !mounts.isRootMounted, !mounts.hasMountpointsTmpfs {
            guard Glibc.mount(Mounts.mountpointsSource, mounts.sysroot, "tmpfs", UInt(MS_NOSUID | MS_NODEV), "mode=0755,size=1m") == 0 else {
                throw CallError.perror(exemptpath, errno)
            }
        }
        do throws(SysError) {
            try sysroot.atParent(exemptpath) { (dir, name) throws(SysError) in
                guard mkdirat(dir, name.cString, 0o777) == 0 else { throw SysError("mkdir", exemptpath) }
            }
        } catch {
            throw CallError.perror(exemptpath, error.errno)
        }
    }

    func doRmmountpoint(exemptpath: ByteString) throws(CallError) {
        try absolutePath(exemptpath, "do_rmmountpoint")
        do throws(SysError) {
            try sysroot.atParent(exemptpath) { (dir, name) throws(SysError) in
                guard unlinkat(dir, name.cString, AT_REMOVEDIR) == 0 else { throw SysError("rmdir", exemptpath) }
            }
        } catch {
            throw CallError.perror(exemptpath, error.errno)
        }
    }
}
