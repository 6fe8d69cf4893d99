import Glibc
import GuestProtocol

/// getxattrs, getxattr, lgetxattr, setxattr, lsetxattr, removexattr, lremovexattr
/// (daemon/xattr.c of libguestfs 1.48, group linuxxattrs): the plain calls follow the
/// last symlink, the l* ones act on the link itself, all inside the sysroot.
extension Daemon {
    /// XATTR_SIZE_MAX.
    static let xattrSizeMax = 65536

    func doGetxattrs(path: ByteString) throws(CallError) -> [StructValue] {
        let host = try xattrPath(path, follow: true, call: "listxattr: \(path)")
        guard let names = XattrCalls.list(host, follow: true) else { throw CallError.perror("listxattr: \(path)", errno) }
        var entries: [StructValue] = []
        for name in names.sorted(by: XattrCalls.byteOrder) {
            guard let value = XattrCalls.get(host, name, follow: true) else { throw CallError.perror("getxattr: \(name)", errno) }
            entries.append(StructValue(.xattr, [.string(name), .bytes(value)]))
        }
        return entries
    }

    func doGetxattr(path: ByteString, name: ByteString) throws(CallError) -> [UInt8] {
        try getxattr(path, name, follow: true)
    }

    func doLgetxattr(path: ByteString, name: ByteString) throws(CallError) -> [UInt8] {
        try getxattr(path, name, follow: false)
    }

    func doSetxattr(xattr: ByteString, val: ByteString, vallen: Int32, path: ByteString) throws(CallError) {
        try setxattr(xattr, val, vallen, path, follow: true)
    }

    func doLsetxattr(xattr: ByteString, val: ByteString, vallen: Int32, path: ByteString) throws(CallError) {
        try setxattr(xattr, val, vallen, path, follow: false)
    }

    func doRemovexattr(xattr: ByteString, path: ByteString) throws(CallError) {
        try removexattr(xattr, path, follow: true)
    }

    func doLremovexattr(xattr: ByteString, path: ByteString) throws(CallError) {
        try removexattr(xattr, path, follow: false)
    }

    /// The host path the xattr call takes; a failed lookup reads as the call failing.
    private func xattrPath(_ p: ByteString, follow: Bool, call: ByteString) throws(CallError) -> ByteString {
        do throws(SysError) { return follow ? try sysroot.hostPath(p) : try sysroot.parentHostPath(p) } catch {
            throw CallError.perror(call, error.errno)
        }
    }

    private func getxattr(_ p: ByteString, _ name: ByteString, follow: Bool) throws(CallError) -> [UInt8] {
        let host = try xattrPath(p, follow: follow, call: "getxattr")
        guard let value = XattrCalls.get(host, name, follow: follow) else { throw CallError.perror("getxattr", errno) }
        guard value.count <= Daemon.xattrSizeMax else { throw CallError("extended attribute is too large") }
        return value
    }

    /// The value is the string's bytes, its NUL, then zeros, cut to vallen (the C
    /// daemon hands setxattr(2) vallen bytes from the string's buffer).
    private func setxattr(_ name: ByteString, _ val: ByteString, _ length: Int32, _ p: ByteString, follow: Bool) throws(CallError) {
        let vallen = Int(length)
        guard vallen >= 0, vallen <= Daemon.xattrSizeMax else { throw CallError("extended attribute is too large") }
        var value = val.bytes + [0]
        if value.count < vallen { value += [UInt8](repeating: 0, count: vallen - value.count) }
        let host = try xattrPath(p, follow: follow, call: "setxattr")
        guard XattrCalls.set(host, name, Array(value.prefix(vallen)), follow: follow) else { throw CallError.perror("setxattr", errno) }
    }

    private func removexattr(_ name: ByteString, _ p: ByteString, follow: Bool) throws(CallError) {
        let host = try xattrPath(p, follow: follow, call: "removexattr")
        guard XattrCalls.remove(host, name, follow: follow) else { throw CallError.perror("removexattr", errno) }
    }
}
