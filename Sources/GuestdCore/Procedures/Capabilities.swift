import Glibc
import GuestProtocol

/// File capabilities (daemon/cap.c of libguestfs 1.48): libcap's own calls, so the text
/// is cap_to_text's as the real daemon returns it. Paths resolve inside the guest as
/// under the real daemon's chroot.
extension Daemon {
    func doCapGetFile(path: ByteString) throws(CallError) -> ByteString {
        let lib = try CapLibrary.library()
        let host = try aclHostPath(path)
        guard let cap = lib.getFile(host.cString) else {
            // No capability attached: an empty text, as getcap treats it.
            let e = errno
            if e == ENODATA { return "" }
            throw CallError.perror(path, e)
        }
        defer { _ = lib.free(UnsafeMutableRawPointer(cap)) }
        guard let text = lib.toText(cap, nil) else { throw CallError.perror("cap_to_text", errno) }
        defer { _ = lib.free(text) }
        return ByteString(cString: text)
    }

    func doCapSetFile(path: ByteString, cap: ByteString) throws(CallError) {
        let lib = try CapLibrary.library()
        guard let parsed = lib.fromText(cap.cString) else {
            throw CallError.perror("could not parse cap string: \(cap): cap_from_text", errno)
        }
        defer { _ = lib.free(UnsafeMutableRawPointer(parsed)) }
        let host = try aclHostPath(path)
        guard lib.setFile(host.cString, parsed) == 0 else { throw CallError.perror(path, errno) }
    }
}

/// libcap (libcap.so.2), opened with dlopen at the first use; the group "linuxcaps" is
/// available when it loads, as a daemon linked with it.
struct CapLibrary: DynamicLibrary {
    static let soname = "libcap.so.2"

    typealias CString = UnsafePointer<CChar>?
    let getFile: @convention(c) (CString) -> OpaquePointer?
    let setFile: @convention(c) (CString, OpaquePointer?) -> Int32
    let toText: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> UnsafeMutablePointer<CChar>?
    let fromText: @convention(c) (CString) -> OpaquePointer?
    let free: @convention(c) (UnsafeMutableRawPointer?) -> Int32

    static func load() throws(SysError) -> CapLibrary {
        let lib = try SharedLibrary(soname)
        return CapLibrary(getFile: try lib.symbol("cap_get_file"), setFile: try lib.symbol("cap_set_file"),
                          toText: try lib.symbol("cap_to_text"), fromText: try lib.symbol("cap_from_text"),
                          free: try lib.symbol("cap_free"))
    }
}
