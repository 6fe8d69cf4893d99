import Glibc

/// The libaugeas calls guestd makes, found with dlopen at the first aug_init. Linked in,
/// libaugeas would bring libxml2, ICU (libicuuc, 30 MB of libicudata) and libstdc++ into
/// every boot: about 2,600 more relocations at each start, for a library only the
/// configuration-editing tools call. The builder copies it into the root with its
/// closure (RootImage.guestdDlopened) and the lenses it reads (HostFiles).
struct AugeasLibrary: DynamicLibrary {
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

    static func load() throws(SysError) -> AugeasLibrary {
        let lib = try SharedLibrary(soname)
        return AugeasLibrary(
            initialize: try lib.symbol("aug_init"), close: try lib.symbol("aug_close"), defvar: try lib.symbol("aug_defvar"),
            defnode: try lib.symbol("aug_defnode"), get: try lib.symbol("aug_get"), label: try lib.symbol("aug_label"),
            set: try lib.symbol("aug_set"), setm: try lib.symbol("aug_setm"), insert: try lib.symbol("aug_insert"),
            rm: try lib.symbol("aug_rm"), mv: try lib.symbol("aug_mv"), match: try lib.symbol("aug_match"),
            save: try lib.symbol("aug_save"), load: try lib.symbol("aug_load"), transform: try lib.symbol("aug_transform"),
            error: try lib.symbol("aug_error"), errorMessage: try lib.symbol("aug_error_message"),
            errorMinorMessage: try lib.symbol("aug_error_minor_message"), errorDetails: try lib.symbol("aug_error_details")
        )
    }
}
