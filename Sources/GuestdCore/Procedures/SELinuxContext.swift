import Glibc
import GuestProtocol

/// getcon and setcon (daemon/selinux.c of libguestfs 1.48), group selinux: libselinux's
/// own calls on the daemon's context, so the answers are what the kernel's LSM says (on
/// Debian's kernel AppArmor answers "unconfined\n" and refuses every context written).
extension Daemon {
    func doGetcon() throws(CallError) -> ByteString {
        let lib = try SELinuxLibrary.library()
        var context: UnsafeMutablePointer<CChar>?
        guard lib.getcon(&context) == 0 else { throw CallError.perror("getcon", errno) }
        guard let context else { return "" }
        defer { lib.freecon(context) }
        return ByteString(cString: context)
    }

    func doSetcon(context: ByteString) throws(CallError) {
        let lib = try SELinuxLibrary.library()
        guard lib.setcon(context.cString) == 0 else { throw CallError.perror("setcon", errno) }
    }
}

/// libselinux (libselinux.so.1), opened with dlopen at the first use; the group
/// "selinux" is available when it loads, as a daemon linked with it.
struct SELinuxLibrary: DynamicLibrary {
    static let soname = "libselinux.so.1"

    let getcon: @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    let setcon: @convention(c) (UnsafePointer<CChar>?) -> Int32
    let freecon: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void

    static func load() throws(SysError) -> SELinuxLibrary {
        let lib = try SharedLibrary(soname)
        return SELinuxLibrary(getcon: try lib.symbol("getcon"), setcon: try lib.symbol("setcon"), freecon: try lib.symbol("freecon"))
    }
}
