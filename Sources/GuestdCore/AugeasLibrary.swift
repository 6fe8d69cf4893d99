import Glibc

/// The libaugeas calls guestd makes, found with dlopen at the first aug_init. Linked in,
/// libaugeas would bring libxml2, ICU (libicuuc, 30 MB of libicudata) and libstdc++ into
/// every boot: about 2,600 more relocations at each start, for a library only the
/// configuration-editing tools call. The builder copies it into the root with its
/// closure (RootImage.guestdDlopened) and the lenses it reads (HostFiles).
struct AugeasLibrary {
    static let soname = "libaugeas.so.0"

    /// augeas.h's enum aug_flags: do not close the handle when aug_init fails, so its
    /// error can be read.
    static let noErrClose: UInt32 = 1 << 8
    /// augeas.h's aug_errcode_t.
    static let noError: Int32 = 0
    static let outOfMemory: Int32 = 1

    typealias Handle = OpaquePointer
    typealias CString = UnsafePointer<CChar>?

    let initialize: @convention(c) (CString, CString, UInt32) -> Handle?
    let close: @convention(c) (Handle?) -> Void
    let defvar: @convention(c) (Handle?, CString, CString) -> Int32
    let defnode: @convention(c) (Handle?, CString, CString, CString, UnsafeMutablePointer<Int32>?) -> Int32
    let get: @convention(c) (Handle?, CString, UnsafeMutablePointer<CString>?) -> Int32
    let label: @convention(c) (Handle?, CString, UnsafeMutablePointer<CString>?) -> Int32
    let set: @convention(c) (Handle?, CString, CString) -> Int32
    let setm: @convention(c) (Handle?, CString, CString, CString) -> Int32
    let insert: @convention(c) (Handle?, CString, CString, Int32) -> Int32
    let rm: @convention(c) (Handle?, CString) -> Int32
    let mv: @convention(c) (Handle?, CString, CString) -> Int32
    let match: @convention(c) (Handle?, CString, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32
    let save: @convention(c) (Handle?) -> Int32
    let load: @convention(c) (Handle?) -> Int32
    let transform: @convention(c) (Handle?, CString, CString, Int32) -> Int32
    let error: @convention(c) (Handle?) -> Int32
    let errorMessage: @convention(c) (Handle?) -> CString
    let errorMinorMessage: @convention(c) (Handle?) -> CString
    let errorDetails: @convention(c) (Handle?) -> CString

    /// Opened once; a failure is kept and reported at each aug_init.
    nonisolated(unsafe) private static var loaded: Result<AugeasLibrary, SysError>?

    static func shared() throws(SysError) -> AugeasLibrary {
        if loaded == nil { loaded = Result { () throws(SysError) -> AugeasLibrary in try load() } }
        return try loaded!.get()
    }

    private static func load() throws(SysError) -> AugeasLibrary {
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            throw SysError("dlopen", soname, errno: ENOENT)
        }
        // Each symbol takes the type of the field it fills.
        func symbol<T>(_ name: String) throws(SysError) -> T {
            guard let p = dlsym(handle, name) else { throw SysError("dlsym", "\(soname): \(name)", errno: ENOENT) }
            return unsafeBitCast(p, to: T.self)
        }
        return AugeasLibrary(
            initialize: try symbol("aug_init"), close: try symbol("aug_close"), defvar: try symbol("aug_defvar"),
            defnode: try symbol("aug_defnode"), get: try symbol("aug_get"), label: try symbol("aug_label"),
            set: try symbol("aug_set"), setm: try symbol("aug_setm"), insert: try symbol("aug_insert"),
            rm: try symbol("aug_rm"), mv: try symbol("aug_mv"), match: try symbol("aug_match"),
            save: try symbol("aug_save"), load: try symbol("aug_load"), transform: try symbol("aug_transform"),
            error: try symbol("aug_error"), errorMessage: try symbol("aug_error_message"),
            errorMinorMessage: try symbol("aug_error_minor_message"), errorDetails: try symbol("aug_error_details")
        )
    }
}
