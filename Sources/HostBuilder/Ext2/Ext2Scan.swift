import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Ext2Manifest {
    /// The tree under `directory` as a manifest: owners, modes, mtimes, symlinks, devices,
    /// hard links (by device and inode) and the user., trusted. and security. xattrs.
    /// Directory listings are sorted so the same tree always gives the same manifest.
    public static func scan(directory: String) throws -> Ext2Manifest {
        var manifest = Ext2Manifest()
        var seen: [HostInode: String] = [:]
        var root = stat()
        guard lstat(directory, &root) == 0 else { throw BuildError.fromErrno("lstat", directory) }
        guard root.st_mode & S_IFMT == S_IFDIR else {
            throw BuildError.format(path: directory, reason: "is not a directory")
        }
        try manifest.add(try entry(host: directory, image: "/", st: root, seen: &seen))
        try scan(host: directory, image: "", into: &manifest, seen: &seen)
        return manifest
    }

    private struct HostInode: Hashable { let dev: UInt64; let ino: UInt64 }

    private static func scan(host: String, image: String, into manifest: inout Ext2Manifest,
                             seen: inout [HostInode: String]) throws {
        for name in try listDirectory(host) {
            let hostPath = host + "/" + name
            var st = stat()
            guard lstat(hostPath, &st) == 0 else { throw BuildError.fromErrno("lstat", hostPath) }
            let imagePath = image + "/" + name
            try manifest.add(try entry(host: hostPath, image: imagePath, st: st, seen: &seen))
            if st.st_mode & S_IFMT == S_IFDIR {
                try scan(host: hostPath, image: imagePath, into: &manifest, seen: &seen)
            }
        }
    }

    private static func entry(host: String, image: String, st: stat, seen: inout [HostInode: String]) throws -> Ext2Entry {
        let type = st.st_mode & S_IFMT
        if type != S_IFDIR, st.st_nlink > 1 {
            let key = HostInode(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
            if let first = seen[key] {
                return Ext2Entry(path: image, kind: .hardLink(to: first), mode: 0)
            }
            seen[key] = image
        }
        let kind: Ext2Entry.Kind
        switch type {
        case S_IFDIR: kind = .directory
        case S_IFREG: kind = .file(.host(path: host))
        case S_IFLNK: kind = .symlink(target: try readSymlink(host))
        case S_IFCHR: kind = .characterDevice(major: Self.major(st.st_rdev), minor: Self.minor(st.st_rdev))
        case S_IFBLK: kind = .blockDevice(major: Self.major(st.st_rdev), minor: Self.minor(st.st_rdev))
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        default: throw BuildError.format(path: host, reason: "has an unknown file type \(String(type, radix: 8))")
        }
        return Ext2Entry(path: image, kind: kind, mode: UInt16(st.st_mode & 0o7777), uid: st.st_uid, gid: st.st_gid,
                         mtime: Ext2Time(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: UInt32(st.st_mtim.tv_nsec)),
                         xattrs: try readXattrs(host))
    }

    /// Names in a directory, sorted by their bytes, without "." and "..".
    static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw BuildError.fromErrno("opendir", path) }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        errno = 0
        while let ent = readdir(dir) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name != [0x2E], name != [0x2E, 0x2E] { names.append(name) }
            errno = 0
        }
        if errno != 0 { throw BuildError.fromErrno("readdir", path) }
        return try names.sorted { $0.lexicographicallyPrecedes($1) }.map { bytes in
            // Image paths are Strings: a name that is not UTF-8 could not be named again.
            guard let name = String(validating: bytes, as: UTF8.self) else {
                throw BuildError.format(path: path + "/" + String(decoding: bytes, as: UTF8.self), reason: "name is not valid UTF-8")
            }
            return name
        }
    }

    static func readSymlink(_ path: String) throws -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buf, buf.count - 1)
        guard n >= 0 else { throw BuildError.fromErrno("readlink", path) }
        return String(decoding: buf[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// glibc's gnu_dev_major and gnu_dev_minor (macros the Glibc module does not carry).
    static func major(_ dev: dev_t) -> UInt32 {
        let d = UInt64(dev)
        return UInt32(truncatingIfNeeded: ((d >> 8) & 0xFFF) | ((d >> 32) & ~0xFFF))
    }

    static func minor(_ dev: dev_t) -> UInt32 {
        let d = UInt64(dev)
        return UInt32(truncatingIfNeeded: (d & 0xFF) | ((d >> 12) & ~0xFF))
    }

    /// The xattrs ext2 can name (user., trusted., security.); POSIX ACLs (system.) are not kept.
    static func readXattrs(_ path: String) throws -> [Ext2Xattr] {
        let size = XattrCalls.list(path, nil, 0)
        if size < 0 {
            if errno == ENOTSUP || errno == ENODATA { return [] }
            throw BuildError.fromErrno("llistxattr", path)
        }
        if size == 0 { return [] }
        var list = [CChar](repeating: 0, count: size)
        let got = XattrCalls.list(path, &list, size)
        guard got >= 0 else { throw BuildError.fromErrno("llistxattr", path) }
        var result: [Ext2Xattr] = []
        for raw in list[..<got].split(separator: 0) {
            let name = String(decoding: raw.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard Ext2XattrBlock.prefix(of: name) != nil else { continue }
            let len = XattrCalls.get(path, name, nil, 0)
            guard len >= 0 else { throw BuildError.fromErrno("lgetxattr", path) }
            var value = [UInt8](repeating: 0, count: len)
            let n = XattrCalls.get(path, name, &value, len)
            guard n >= 0 else { throw BuildError.fromErrno("lgetxattr", path) }
            result.append(Ext2Xattr(name: name, value: Array(value[..<n])))
        }
        return result
    }
}

/// llistxattr and lgetxattr, looked up in libc at run time: the Glibc module does not
/// import <sys/xattr.h>.
enum XattrCalls {
    private typealias ListFn = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<CChar>?, Int) -> Int
    private typealias GetFn = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    private static let listFn = dlsym(nil, "llistxattr").map { unsafeBitCast($0, to: ListFn.self) }
    private static let getFn = dlsym(nil, "lgetxattr").map { unsafeBitCast($0, to: GetFn.self) }

    static func list(_ path: String, _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int) -> Int {
        guard let f = listFn else { errno = ENOTSUP; return -1 }
        return f(path, buffer, size)
    }

    static func get(_ path: String, _ name: String, _ buffer: UnsafeMutableRawPointer?, _ size: Int) -> Int {
        guard let f = getFn else { errno = ENOTSUP; return -1 }
        return f(path, name, buffer, size)
    }
}
