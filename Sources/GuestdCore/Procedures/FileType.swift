import Glibc
import GuestProtocol

/// file (daemon/file.ml of libguestfs 1.48): a device goes to file(1) whole; a guest path
/// is named by its lstat type unless it is a regular file, which file(1) describes.
extension Daemon {
    func doFile(path: ByteString) throws(CallError) -> ByteString {
        // The stub resolved a device already (in host test mode, to a recorded node).
        if let device = path.string, devices.isDeviceParameter(device) {
            return try Daemon.describe(["file", "-zSbsL", ByteString(device)])
        }
        let st: stat
        do { st = try sysroot.statNoFollow(path) } catch { throw CallError.perror("lstat: \(path)", error.errno) }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return "directory"
        case S_IFCHR: return "character device"
        case S_IFBLK: return "block device"
        case S_IFIFO: return "FIFO"
        case S_IFLNK: return "symbolic link"
        case S_IFSOCK: return "socket"
        default: break
        }
        // The last name is a regular file; the directories above it may be symlinks,
        // resolved inside the guest as the real daemon's chroot would.
        let host: ByteString
        do { host = try sysroot.hostPath(path) } catch { throw CallError.perror("lstat: \(path)", error.errno) }
        return try Daemon.describe(["file", "-zSb", host])
    }

    /// Utils.command: file(1)'s stdout with trailing white space cut (some versions end
    /// it with a space); a failure is "file exited with status N: STDERR".
    private static func describe(_ argv: [ByteString]) throws(CallError) -> ByteString {
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else { throw CallError("file exited with status \(r.status): \(ByteString(r.err))") }
        var out = r.out[...]
        while let last = out.last, [0x20, 0x09, 0x0a, 0x0d].contains(last) { out = out.dropLast() }
        return ByteString(out)
    }
}
