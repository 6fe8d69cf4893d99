import Glibc

/// The few libkmod calls guestd makes, found with dlopen on first use. Linked in, libkmod
/// would bring libcrypto, liblzma and libzstd into every boot: over half of guestd's
/// startup symbol bindings (6,400 → 2,700), for a library most sessions never call.
/// The builder copies libkmod into the root beside guestd's linked libraries.
struct Kmod {
    static let soname = "libkmod.so.2"
    /// KMOD_PROBE_IGNORE_COMMAND: no install commands (the appliance has no modprobe.d).
    static let probeIgnoreCommand: UInt32 = 0x2

    let new: @convention(c) (UnsafePointer<CChar>?, UnsafePointer<UnsafePointer<CChar>?>?) -> OpaquePointer?
    let unref: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let newFromLookup: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    let unrefList: @convention(c) (OpaquePointer?) -> Int32
    let getModule: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let probeInsert: @convention(c) (OpaquePointer?, UInt32, UnsafePointer<CChar>?, OpaquePointer?, UnsafeRawPointer?, OpaquePointer?) -> Int32
    let getName: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    let unrefModule: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let listNext: @convention(c) (OpaquePointer?, OpaquePointer?) -> OpaquePointer?

    static func load() throws(SysError) -> Kmod {
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            throw SysError("dlopen", soname, errno: ENOENT)
        }
        // Each symbol takes the type of the field it fills.
        func symbol<T>(_ name: String) throws(SysError) -> T {
            guard let p = dlsym(handle, name) else { throw SysError("dlsym", "\(soname): \(name)", errno: ENOENT) }
            return unsafeBitCast(p, to: T.self)
        }
        return Kmod(
            new: try symbol("kmod_new"), unref: try symbol("kmod_unref"),
            newFromLookup: try symbol("kmod_module_new_from_lookup"), unrefList: try symbol("kmod_module_unref_list"),
            getModule: try symbol("kmod_module_get_module"), probeInsert: try symbol("kmod_module_probe_insert_module"),
            getName: try symbol("kmod_module_get_name"), unrefModule: try symbol("kmod_module_unref"),
            listNext: try symbol("kmod_list_next")
        )
    }
}
