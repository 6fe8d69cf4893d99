import Glibc
import GuestProtocol

/// POSIX ACLs (daemon/acl.c of libguestfs 1.48): libacl's own calls, so the texts are
/// libacl's long text form exactly as the real daemon returns them. Paths resolve
/// inside the guest as under the real daemon's chroot; ACL text is parsed outside it,
/// so user and group names are the appliance's, as there.
extension Daemon {
    func doAclGetFile(path: ByteString, acltype: ByteString) throws(CallError) -> ByteString {
        let type = try AclLibrary.type(acltype)
        let lib = try AclLibrary.library()
        let host = try aclHostPath(path)
        guard let acl = lib.getFile(host.cString, type) else { throw CallError.perror(path, errno) }
        defer { _ = lib.free(UnsafeMutableRawPointer(acl)) }
        guard let text = lib.toText(acl, nil) else { throw CallError.perror("acl_to_text", errno) }
        defer { _ = lib.free(text) }
        return ByteString(cString: text)
    }

    func doAclSetFile(path: ByteString, acltype: ByteString, acl: ByteString) throws(CallError) {
        let type = try AclLibrary.type(acltype)
        let lib = try AclLibrary.library()
        guard let parsed = lib.fromText(acl.cString) else {
            throw CallError.perror("could not parse acl string: \(acl): acl_from_text", errno)
        }
        defer { _ = lib.free(UnsafeMutableRawPointer(parsed)) }
        let host = try aclHostPath(path)
        guard lib.setFile(host.cString, type, parsed) == 0 else { throw CallError.perror(path, errno) }
    }

    func doAclDeleteDefFile(dir: ByteString) throws(CallError) {
        let lib = try AclLibrary.library()
        let host = try aclHostPath(dir)
        guard lib.deleteDefFile(host.cString) == 0 else { throw CallError.perror(dir, errno) }
    }

    /// The guest path resolved as the chroot would (every symlink followed, as libacl's
    /// path calls do); a failing lookup is the call's "path: error".
    func aclHostPath(_ path: ByteString) throws(CallError) -> ByteString {
        do throws(SysError) { return try sysroot.hostPath(path) } catch { throw CallError.perror(path, error.errno) }
    }
}

/// libacl (libacl.so.1), opened with dlopen at the first use; the group "acl" is
/// available when it loads, as a daemon linked with it.
struct AclLibrary: DynamicLibrary {
    static let soname = "libacl.so.1"
    /// <sys/acl.h>'s acl_type_t values.
    static let typeAccess: UInt32 = 0x8000, typeDefault: UInt32 = 0x4000

    typealias CString = UnsafePointer<CChar>?
    let getFile: @convention(c) (CString, UInt32) -> OpaquePointer?
    let setFile: @convention(c) (CString, UInt32, OpaquePointer?) -> Int32
    let deleteDefFile: @convention(c) (CString) -> Int32
    let toText: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> UnsafeMutablePointer<CChar>?
    let fromText: @convention(c) (CString) -> OpaquePointer?
    let free: @convention(c) (UnsafeMutableRawPointer?) -> Int32

    /// The acltype argument: "access" or "default", else the real daemon's refusal.
    static func type(_ name: ByteString) throws(CallError) -> UInt32 {
        switch name {
        case "access": return typeAccess
        case "default": return typeDefault
        default: throw CallError("invalid acltype parameter: \(name)")
        }
    }

    static func load() throws(SysError) -> AclLibrary {
        let lib = try SharedLibrary(soname)
        return AclLibrary(getFile: try lib.symbol("acl_get_file"), setFile: try lib.symbol("acl_set_file"),
                          deleteDefFile: try lib.symbol("acl_delete_def_file"), toText: try lib.symbol("acl_to_text"),
                          fromText: try lib.symbol("acl_from_text"), free: try lib.symbol("acl_free"))
    }
}
