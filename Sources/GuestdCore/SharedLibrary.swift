import Glibc

/// A C library opened with dlopen at its first use, so that a boot does not pay for
/// it (nor for the libraries it links) until a call needs it (RootImage.guestdDlopened
/// lists them). The builder copies each into the root beside guestd's linked libraries.
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

/// A library's typed calls, loaded from a SharedLibrary once: a failure is kept and
/// reported at each use, and the library's optional group is available only if it loads.
protocol DynamicLibrary {
    static func load() throws(SysError) -> Self
}

/// Each DynamicLibrary's one load, by type (guestd serves one call at a time).
nonisolated(unsafe) private var loadedLibraries: [ObjectIdentifier: Any] = [:]

extension DynamicLibrary {
    static func shared() throws(SysError) -> Self {
        let key = ObjectIdentifier(Self.self)
        if loadedLibraries[key] == nil { loadedLibraries[key] = Result { () throws(SysError) -> Self in try load() } }
        return try (loadedLibraries[key] as! Result<Self, SysError>).get()
    }

    static var loads: Bool { (try? shared()) != nil }

    /// For a handler: a library that does not load is the call's error.
    static func library() throws(CallError) -> Self {
        do throws(SysError) { return try shared() } catch { throw CallError.perror("\(error.call): \(error.path)", error.errno) }
    }
}
