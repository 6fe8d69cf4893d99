import Glibc

/// A C library opened with dlopen at its first use, so that a boot does not pay for
/// it (nor for the libraries it links) until a call needs it: libkmod, libaugeas and
/// libsystemd. The builder copies each into the root beside guestd's linked libraries.
struct SharedLibrary {
    let soname: String
    private let handle: UnsafeMutableRawPointer

    init(_ soname: String) throws(SysError) {
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else { throw SysError("dlopen", soname, errno: ENOENT) }
        self.soname = soname
        self.handle = handle
    }

    /// The function `name`, typed as the field it fills.
    func symbol<T>(_ name: String) throws(SysError) -> T {
        guard let p = dlsym(handle, name) else { throw SysError("dlsym", "\(soname): \(name)", errno: ENOENT) }
        return unsafeBitCast(p, to: T.self)
    }
}
