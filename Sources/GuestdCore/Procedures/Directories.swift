import Glibc
import GuestProtocol

/// Directories and whole trees: mkdir, mkdir_p, rmdir, rm_rf, rename, cp, cp_a, mv,
/// find0 (daemon/dir.c, rename.c, cpmv.c, find.c), done natively where the real daemon
/// runs rm, cp, mv and find.
extension Daemon {
    func doMkdir(path: ByteString) throws(CallError) {
        try perror(path) { () throws(SysError) in try mkdir(path) }
    }

    func doMkdirP(path: ByteString) throws(CallError) {
        try mkdirP(path)
    }

    func doRmdir(path: ByteString) throws(CallError) {
        try perror(path) { () throws(SysError) in
            try sysroot.atParent(path) { (dir, name) throws(SysError) in
                guard unlinkat(dir, name.cString, AT_REMOVEDIR) == 0 else { throw SysError("rmdir", path) }
            }
        }
    }

    func doRmRF(path: ByteString) throws(CallError) {
        guard path != "/" else { throw CallError("cannot remove root directory") }
        do throws(SysError) {
            try sysroot.atParent(path) { (dir, name) throws(SysError) in try Tree.remove(dir, name) }
        } catch where error.errno == ENOENT {
            // rm -f: nothing there is success.
        } catch {
            throw CallError("\(path): rm: cannot remove '\(sysroot.path)\(path)': \(error.reason)")
        }
    }

    func doRename(oldpath: ByteString, newpath: ByteString) throws(CallError) {
        let old = oldpath, new = newpath
        try perror("rename: \(old): \(new)") { () throws(SysError) in
            try sysroot.atParent(old) { (odir, oname) throws(SysError) in
                try sysroot.atParent(new) { (ndir, nname) throws(SysError) in
                    guard renameat(odir, oname.cString, ndir, nname.cString) == 0 else { throw SysError("rename", old) }
                }
            }
        }
    }

    func doCp(src: ByteString, dest: ByteString) throws(CallError) {
        try copy(src, dest, archive: false)
    }

    func doCpA(src: ByteString, dest: ByteString) throws(CallError) {
        try copy(src, dest, archive: true)
    }

    func doMv(src: ByteString, dest: ByteString) throws(CallError) {
        try move(src, dest)
    }

    func doFind0(directory: ByteString) throws(CallError) -> Answer {
        try find0(directory)
    }

    private func mkdir(_ p: ByteString) throws(SysError) {
        try sysroot.atParent(p) { (dir, name) throws(SysError) in
            guard mkdirat(dir, name.cString, 0o777) == 0 else { throw SysError("mkdir", p) }
        }
    }

    /// recursive_mkdir: make the path; if its parent is missing make that first (once);
    /// something already there must be a directory (not followed if a symlink).
    private func mkdirP(_ p: ByteString) throws(CallError) {
        enum Outcome { case ok, notDirectory, failed(Int32) }
        func make(_ path: ByteString, retry: Bool) -> Outcome {
            do throws(SysError) { try mkdir(path); return .ok } catch {
                if error.errno == EEXIST {
                    do { return try sysroot.statNoFollow(path).st_mode.isDirectory ? .ok : .notDirectory } catch { return .failed(error.errno) }
                }
                guard retry, error.errno == ENOENT, path != "/" else { return .failed(error.errno) }
                // The parent (cut at the last "/", as strrchr does), then this once more.
                let cut = path.bytes.lastIndex(of: UInt8(ascii: "/")).map { ByteString(path.bytes[..<$0]) } ?? ""
                let parent = make(cut.isEmpty ? "/" : cut, retry: true)
                guard case .ok = parent else { return parent }
                return make(path, retry: false)
            }
        }
        switch make(p, retry: true) {
        case .ok: return
        case .notDirectory: throw CallError("\(p): a path element was not a directory")
        case let .failed(e): throw CallError.perror(p, e)
        }
    }

    /// cp SRC DEST / cp -a: into DEST when it is a directory; -a copies trees and keeps
    /// modes, owners, times and symlinks.
    private func copy(_ src: ByteString, _ dest: ByteString, archive: Bool) throws(CallError) {
        let srcHost = ByteString(sysroot.path) + src, destHost = ByteString(sysroot.path) + dest
        do throws(SysError) {
            let st = archive ? try sysroot.statNoFollow(src) : try sysroot.statFollowing(src)
            if st.st_mode.isDirectory && !archive {
                throw SysError("cp", src, errno: EISDIR)
            }
            let (destDir, destName) = try destination(src, dest)
            defer { close(destDir) }
            if archive, st.st_mode.isDirectory, try isInside(destDir, directory: src) {
                throw SysError("cp-into-itself", src, errno: EINVAL)
            }
            if archive {
                try sysroot.atParent(src) { (sdir, sname) throws(SysError) in try Tree.copy(sdir, sname, destDir, destName) }
            } else {
                try Tree.copyFile(from: try sysroot.open(src, flags: O_RDONLY), mode: st.st_mode, to: destDir, destName, preserve: nil)
            }
        } catch where error.call == "cp-into-itself" {
            throw CallError("cp: cannot copy a directory, '\(srcHost)', into itself, '\(destHost)'")
        } catch where error.errno == EISDIR && error.call == "cp" {
            throw CallError("cp: -r not specified; omitting directory '\(srcHost)'")
        } catch where error.errno == ENOENT && (try? sysroot.statNoFollow(src)) == nil {
            throw CallError("cp: cannot stat '\(srcHost)': No such file or directory")
        } catch {
            throw CallError("cp: cannot create regular file '\(destHost)': \(error.reason)")
        }
    }

    /// mv: rename, or copy and remove across filesystems; into DEST when a directory.
    private func move(_ src: ByteString, _ dest: ByteString) throws(CallError) {
        let srcHost = ByteString(sysroot.path) + src
        do throws(SysError) {
            _ = try sysroot.statNoFollow(src)
            let (destDir, destName) = try destination(src, dest)
            defer { close(destDir) }
            try sysroot.atParent(src) { (sdir, sname) throws(SysError) in
                if renameat(sdir, sname.cString, destDir, destName.cString) == 0 { return }
                guard errno == EXDEV else { throw SysError("rename", src) }
                try Tree.copy(sdir, sname, destDir, destName)
                try Tree.remove(sdir, sname)
            }
        } catch where error.call == "lstat" {
            throw CallError("mv: cannot stat '\(srcHost)': \(error.reason)")
        } catch {
            throw CallError("mv: cannot move '\(srcHost)' to '\(sysroot.path)\(dest)': \(error.reason)")
        }
    }

    /// Whether the directory `dir` (a descriptor) is the guest directory `src` or lies
    /// beneath it: copying a tree into itself would never end.
    private func isInside(_ dir: Int32, directory src: ByteString) throws(SysError) -> Bool {
        let target = try sysroot.statFollowing(src)
        var current = dup(dir)
        defer { close(current) }
        for _ in 0 ..< 4096 {
            var st = stat()
            guard fstat(current, &st) == 0 else { throw SysError("fstat", src) }
            if st.st_dev == target.st_dev && st.st_ino == target.st_ino { return true }
            let up = openat(current, "..", Sysroot.O_PATH | O_DIRECTORY | O_CLOEXEC)
            guard up >= 0 else { return false }
            var parent = stat()
            fstat(up, &parent)
            close(current)
            current = up
            // The top of the tree: ".." is itself.
            if parent.st_dev == st.st_dev && parent.st_ino == st.st_ino { return false }
        }
        return false
    }

    /// Where cp and mv put SRC: DEST itself, or DEST/basename(SRC) when DEST is a directory.
    private func destination(_ src: ByteString, _ dest: ByteString) throws(SysError) -> (Int32, ByteString) {
        if let st = try? sysroot.statFollowing(dest), st.st_mode.isDirectory {
            let base = src.components.last ?? "."
            return (try sysroot.open(dest, flags: Sysroot.O_PATH | O_DIRECTORY), base)
        }
        return try sysroot.parent(dest)
    }

    /// find0: every path under the directory relative to it ("./" dropped), NUL-ended,
    /// in find's pre-order, not following symlinks.
    private func find0(_ dir: ByteString) throws(CallError) -> Answer {
        let st: stat
        do { st = try sysroot.statFollowing(dir) } catch { throw CallError.perror(dir, error.errno) }
        guard st.st_mode.isDirectory else { throw CallError("\(dir): not a directory") }
        // find -P does not descend into a starting point that is a symlink: it prints
        // only that point, which find0 drops.
        if !dir.hasSuffix("/"), (try? sysroot.statNoFollow(dir))?.st_mode.isSymlink == true {
            return .fileOut { stream in try stream.finish() }
        }
        let fd = try openDirectory(dir)
        return .fileOut { stream in
            defer { close(fd) }
            // What find prints, less the length of the sysroot directory as given: a
            // directory without a trailing "/" keeps a leading "/" (the real quirk).
            let lead: ByteString = dir.hasSuffix("/") ? "" : "/"
            try Tree.walk(fd, prefix: "") { path in try stream.write((lead + path).bytes + [0]) }
            try stream.finish()
        }
    }

    func doMkdirMode(path: ByteString, mode: Int32) throws(CallError) {
        guard mode >= 0 else { throw CallError("\(path): mode is negative") }
        try perror(path) { () throws(SysError) in
            try sysroot.atParent(path) { (dir, name) throws(SysError) in
                guard mkdirat(dir, name.cString, mode_t(mode)) == 0 else { throw SysError("mkdir", path) }
            }
        }
    }
}
