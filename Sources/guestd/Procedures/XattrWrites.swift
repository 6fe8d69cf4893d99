import Glibc
import GuestProtocol

/// getxattrs, getxattr, lgetxattr, setxattr, lsetxattr, removexattr, lremovexattr
/// (daemon/xattr.c of libguestfs 1.48, group linuxxattrs): the plain calls follow the
/// last symlink, the l* ones act on the link itself, all inside the sysroot.
extension Daemon {
    /// XATTR_SIZE_MAX.
    static let xattrSizeMax = 65536

    static let xattrWriteProcedures: [(Procedure, Handler)] = [
        (.getxattrs, { d, c throws(CallError) in
            let p = c.string(0)
            let host = try d.xattrPath(p, follow: true, call: "listxattr: \(p)")
            guard let names = XattrCalls.list(host, follow: true) else { throw CallError.perror("listxattr: \(p)", errno) }
            var entries: [StructValue] = []
            for name in names.sorted(by: XattrCalls.byteOrder) {
                guard let value = XattrCalls.get(host, name, follow: true) else { throw CallError.perror("getxattr: \(name)", errno) }
                entries.append(StructValue(.xattr, [.string(name), .bytes(value)]))
            }
            return Reply.structList(entries)
        }),
        (.getxattr, { d, c throws(CallError) in try d.getxattr(c.string(0), c.string(1), follow: true) }),
        (.lgetxattr, { d, c throws(CallError) in try d.getxattr(c.string(0), c.string(1), follow: false) }),
        (.setxattr, { d, c throws(CallError) in try d.setxattr(c, follow: true) }),
        (.lsetxattr, { d, c throws(CallError) in try d.setxattr(c, follow: false) }),
        (.removexattr, { d, c throws(CallError) in try d.removexattr(c.string(0), c.string(1), follow: true) }),
        (.lremovexattr, { d, c throws(CallError) in try d.removexattr(c.string(0), c.string(1), follow: false) }),
    ]

    /// The host path the xattr call takes; a failed lookup reads as the call failing.
    private func xattrPath(_ p: ByteString, follow: Bool, call: ByteString) throws(CallError) -> ByteString {
        do throws(SysError) { return follow ? try sysroot.hostPath(p) : try sysroot.parentHostPath(p) } catch {
            throw CallError.perror(call, error.errno)
        }
    }

    private func getxattr(_ p: ByteString, _ name: ByteString, follow: Bool) throws(CallError) -> Answer {
        let host = try xattrPath(p, follow: follow, call: "getxattr")
        guard let value = XattrCalls.get(host, name, follow: follow) else { throw CallError.perror("getxattr", errno) }
        guard value.count <= Daemon.xattrSizeMax else { throw CallError("extended attribute is too large") }
        return Reply.buffer(value)
    }

    /// The value is the string's bytes, its NUL, then zeros, cut to vallen (the C
    /// daemon hands setxattr(2) vallen bytes from the string's buffer).
    private func setxattr(_ c: Call, follow: Bool) throws(CallError) -> Answer {
        let name = c.string(0), val = c.string(1), vallen = Int(c.int(2)), p = c.string(3)
        guard vallen >= 0, vallen <= Daemon.xattrSizeMax else { throw CallError("extended attribute is too large") }
        var value = val.bytes + [0]
        if value.count < vallen { value += [UInt8](repeating: 0, count: vallen - value.count) }
        let host = try xattrPath(p, follow: follow, call: "setxattr")
        guard XattrCalls.set(host, name, Array(value.prefix(vallen)), follow: follow) else { throw CallError.perror("setxattr", errno) }
        return .none
    }

    private func removexattr(_ name: ByteString, _ p: ByteString, follow: Bool) throws(CallError) -> Answer {
        let host = try xattrPath(p, follow: follow, call: "removexattr")
        guard XattrCalls.remove(host, name, follow: follow) else { throw CallError.perror("removexattr", errno) }
        return .none
    }
}
