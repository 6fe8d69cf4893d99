import Glibc
import GuestProtocol

/// glob_expand (daemon/glob.c): glob(3) with GLOB_BRACE and, unless the caller turns
/// directoryslash off, GLOB_MARK, as if chrooted into the guest. glibc's glob reads the
/// directories through our callbacks (GLOB_ALTDIRFUNC), which resolve each path inside
/// the sysroot, so no chroot of the daemon is needed. No match is an empty list.
extension Daemon {
    func doGlobExpand(pattern: ByteString, directoryslash: Bool?) throws(CallError) -> [ByteString] {
        var flags = GLOB_BRACE | GLOB_MARK | GLOB_ALTDIRFUNC
        if directoryslash == false { flags &= ~GLOB_MARK }
        var buf = glob_t()
        buf.gl_opendir = { path in
            guard let path else { errno = EINVAL; return nil }
            do throws(SysError) {
                let fd = try GlobRoot.current.open(ByteString(cString: path), flags: O_RDONLY | O_DIRECTORY)
                guard let dir = fdopendir(fd) else { let e = errno; close(fd); errno = e; return nil }
                return UnsafeMutableRawPointer(dir)
            } catch {
                errno = error.errno
                return nil
            }
        }
        buf.gl_readdir = { dir in dir.flatMap { UnsafeMutableRawPointer(readdir(OpaquePointer($0))) } }
        buf.gl_closedir = { dir in if let dir { closedir(OpaquePointer(dir)) } }
        buf.gl_stat = { path, out in GlobRoot.stat(path, out, follow: true) }
        buf.gl_lstat = { path, out in GlobRoot.stat(path, out, follow: false) }

        GlobRoot.current = sysroot
        errno = 0
        let r = glob(pattern.cString, flags, nil, &buf)
        let e = errno
        defer { globfree(&buf) }
        if r == GLOB_NOMATCH { return [] }
        guard r == 0 else {
            if e != 0 { throw CallError.perror(pattern, e) }
            throw CallError("glob failed: \(pattern)")
        }
        return (0 ..< Int(buf.gl_pathc)).compactMap { i in buf.gl_pathv[i].map { ByteString(cString: $0) } }
    }
}

/// What glob's callbacks, plain C function pointers, resolve paths in: the daemon's
/// sysroot, set for each call (calls are served one at a time).
private enum GlobRoot {
    nonisolated(unsafe) static var current = Sysroot(path: "/sysroot")

    static func stat(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutableRawPointer?, follow: Bool) -> Int32 {
        guard let path, let out else { errno = EINVAL; return -1 }
        do throws(SysError) {
            let name = ByteString(cString: path)
            let st = follow ? try current.statFollowing(name) : try current.statNoFollow(name)
            out.assumingMemoryBound(to: Glibc.stat.self).pointee = st
            return 0
        } catch {
            errno = error.errno
            return -1
        }
    }
}
