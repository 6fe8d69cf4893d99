import Glibc
import GuestProtocol

/// modprobe (daemon/modprobe.c of libguestfs 1.48), group linuxmodules: kmod's modprobe
/// loads a module of the running kernel from the root's /lib/modules, with its
/// dependencies; its stderr is the error.
extension Daemon {
    func doModprobe(modulename: ByteString) throws(CallError) {
        let r = try Subprocess.appliance(["modprobe", modulename])
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
    }

    /// A kernel without module support has no /proc/modules: then nothing can load.
    static var kernelLoadsModules: Bool {
        access("/proc/modules", R_OK) == 0 || errno != ENOENT
    }
}
