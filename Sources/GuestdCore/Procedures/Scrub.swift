import Glibc
import GuestProtocol

/// Secure wiping through scrub(1) (daemon/scrub.c of libguestfs 1.48), group scrub: a
/// device, a file (resolved inside the guest first, then removed by scrub -r), or the
/// free space of a filesystem (scrub -X fills a new directory until the disk is full).
extension Daemon {
    func doScrubDevice(device: String) throws(CallError) {
        let r = try Subprocess.appliance(["scrub", device])
        guard r.succeeded else { throw CallError("\(device): " + Subprocess.errorText(r)) }
    }

    /// sysroot_realpath: a path that does not resolve (missing, a dangling link) fails
    /// with the errno under the real daemon's "malloc" prefix.
    func doScrubFile(file: ByteString) throws(CallError) {
        let resolved: ByteString
        do throws(SysError) { resolved = try sysroot.hostPath(file) } catch { throw CallError.perror("malloc", error.errno) }
        let r = try Subprocess.appliance(["scrub", "-r", resolved])
        guard r.succeeded else { throw CallError("\(file): " + Subprocess.errorText(r)) }
    }

    /// scrub -X makes the directory itself, so its last name need not exist.
    func doScrubFreespace(dir: ByteString) throws(CallError) {
        let r = try Subprocess.appliance(["scrub", "-X", try toolPath(dir)])
        guard r.succeeded else { throw CallError("\(dir): " + Subprocess.errorText(r)) }
    }
}
