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
        let lib = try SharedLibrary(soname)
        return Kmod(
            new: try lib.symbol("kmod_new"), unref: try lib.symbol("kmod_unref"),
            newFromLookup: try lib.symbol("kmod_module_new_from_lookup"), unrefList: try lib.symbol("kmod_module_unref_list"),
            getModule: try lib.symbol("kmod_module_get_module"), probeInsert: try lib.symbol("kmod_module_probe_insert_module"),
            getName: try lib.symbol("kmod_module_get_name"), unrefModule: try lib.symbol("kmod_module_unref"),
            listNext: try lib.symbol("kmod_list_next")
        )
    }
}
