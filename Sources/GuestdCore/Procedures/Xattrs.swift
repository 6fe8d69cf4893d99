import Glibc
import GuestProtocol

/// Extended attributes (daemon/xattr.c): lgetxattrs and the lxattrlist behind virt-ls.
/// Glibc's Swift module leaves out <sys/xattr.h>: the calls are found by name in libc.
extension Daemon {
    func doLgetxattrs(path: ByteString) throws(CallError) -> [StructValue] {
        let host: ByteString
        do throws(SysError) { host = try sysroot.parentHostPath(path) } catch { throw CallError.perror("listxattr: \(path)", error.errno) }
        guard let names = XattrCalls.list(host) else { throw CallError.perror("listxattr: \(path)", errno) }
        var entries: [StructValue] = []
        for name in names.sorted(by: XattrCalls.byteOrder) {
            guard let value = XattrCalls.get(host, name) else { throw CallError.perror("getxattr", errno) }
            entries.append(StructValue(.xattr, [.string(name), .bytes(value)]))
        }
        return entries
    }

    // For each name: a header entry ("" and the count, NUL included), then its
    // attributes sorted by name. A name that cannot be listed gets a bare header.
    func doInternalLxattrlist(path: ByteString, names: [ByteString]) throws(CallError) -> [StructValue] {
        let dir = path
        var entries: [StructValue] = []
        for name in names {
            let guest = (dir.hasSuffix("/") ? dir : dir + "/") + name
            var header = StructValue(.xattr, [.string(""), .bytes([])])
            entries.append(header)
            guard let host = try? sysroot.parentHostPath(guest), let names = XattrCalls.list(host) else { continue }
            let headerIndex = entries.count - 1
            for attr in names.sorted(by: XattrCalls.byteOrder) {
                guard let value = XattrCalls.get(host, attr) else { throw CallError.perror("getxattr: \(attr)", errno) }
                entries.append(StructValue(.xattr, [.string(attr), .bytes(value)]))
            }
            header.values[1] = .bytes(Array("\(names.count)".utf8) + [0])
            entries[headerIndex] = header
        }
        return entries
    }

}

extension Sysroot {
    /// The host path of the guest path's directory, resolved, plus its last name as it is:
    /// for the l*xattr calls, which take a path and do not follow the last symlink.
    func parentHostPath(_ guestPath: ByteString) throws(SysError) -> ByteString {
        var parts = guestPath.components.filter { $0 != "." }
        guard let last = parts.popLast(), last != ".." else { return try hostPath(guestPath) }
        let dir = try hostPath("/" + ByteString.joined(parts))
        return (dir.hasSuffix("/") ? dir : dir + "/") + last
    }
}

/// The calls take the host path and the attribute name as bytes: names need not be UTF-8.
enum XattrCalls {
    private typealias List = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<CChar>?, Int) -> Int
    private typealias Get = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int

    private static let llistxattr: List? = dlsym(nil, "llistxattr").map { unsafeBitCast($0, to: List.self) }
    private static let lgetxattr: Get? = dlsym(nil, "lgetxattr").map { unsafeBitCast($0, to: Get.self) }

    /// Attribute names, without the one the real daemon hides; nil with errno set.
    static func list(_ path: ByteString) -> [ByteString]? { list(path, llistxattr) }

    static func get(_ path: ByteString, _ name: ByteString) -> [UInt8]? { get(path, name, lgetxattr) }

    private static func list(_ path: ByteString, _ call: List?) -> [ByteString]? {
        guard let call else { errno = ENOSYS; return nil }
        let n = call(path.cString, nil, 0)
        guard n >= 0 else { return nil }
        var buf = [CChar](repeating: 0, count: n + 1)
        let m = call(path.cString, &buf, n)
        guard m >= 0 else { return nil }
        return buf[0 ..< m].split(separator: 0).map { ByteString($0.map { UInt8(bitPattern: $0) }) }
            .filter { $0 != "user.WofCompressedData" }
    }

    private static func get(_ path: ByteString, _ name: ByteString, _ call: Get?) -> [UInt8]? {
        guard let call else { errno = ENOSYS; return nil }
        let n = call(path.cString, name.cString, nil, 0)
        guard n >= 0 else { return nil }
        var buf = [UInt8](repeating: 0, count: n)
        let m = buf.withUnsafeMutableBytes { call(path.cString, name.cString, $0.baseAddress, n) }
        guard m >= 0 else { return nil }
        return Array(buf[0 ..< m])
    }

    private typealias SetFn = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    private typealias Remove = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>) -> Int32
    private static func symbol<T>(_ name: String, _ type: T.Type) -> T? { dlsym(nil, name).map { unsafeBitCast($0, to: type) } }
    private static let listxattr = symbol("listxattr", List.self)
    private static let getxattr = symbol("getxattr", Get.self)
    private static let setxattr = symbol("setxattr", SetFn.self), lsetxattr = symbol("lsetxattr", SetFn.self)
    private static let removexattr = symbol("removexattr", Remove.self), lremovexattr = symbol("lremovexattr", Remove.self)

    /// list/get that follow the last symlink (`follow`) or not.
    static func list(_ path: ByteString, follow: Bool) -> [ByteString]? { list(path, follow ? listxattr : llistxattr) }

    static func get(_ path: ByteString, _ name: ByteString, follow: Bool) -> [UInt8]? { get(path, name, follow ? getxattr : lgetxattr) }

    /// setxattr(2) with flags 0 (create or replace); false with errno set.
    static func set(_ path: ByteString, _ name: ByteString, _ value: [UInt8], follow: Bool) -> Bool {
        guard let call = follow ? setxattr : lsetxattr else { errno = ENOSYS; return false }
        return value.withUnsafeBytes { call(path.cString, name.cString, $0.baseAddress, $0.count, 0) } == 0
    }

    static func remove(_ path: ByteString, _ name: ByteString, follow: Bool) -> Bool {
        guard let call = follow ? removexattr : lremovexattr else { errno = ENOSYS; return false }
        return call(path.cString, name.cString) == 0
    }

    static func byteOrder(_ a: ByteString, _ b: ByteString) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
