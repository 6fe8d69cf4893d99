import Glibc
import GuestProtocol
import SystemCalls

/// Hard and symbolic links, reading them and realpath (daemon/link.c, readlink.c, realpath.c).
extension Daemon {
    func doLn(target: ByteString, linkname: ByteString) throws(CallError) {
        try hardLink(target, linkname, force: false)
    }

    func doLnF(target: ByteString, linkname: ByteString) throws(CallError) {
        try hardLink(target, linkname, force: true)
    }

    func doLnSF(target: ByteString, linkname: ByteString) throws(CallError) {
        let destination = symlinkDestination(target, linkname)
        do throws(SysError) {
            try sysroot.atParent(destination) { (dir, name) throws(SysError) in
                var st = stat()
                if fstatat(dir, name.cString, &st, AT_SYMLINK_NOFOLLOW) == 0, !st.st_mode.isDirectory { _ = unlinkat(dir, name.cString, 0) }
                guard symlinkat(target.cString, dir, name.cString) == 0 else { throw SysError("symlink", destination) }
            }
        } catch {
            throw CallError("ln -sf: \(target): \(linkname): ln: failed to create symbolic link '\(sysroot.path)\(destination)': \(error.reason)")
        }
    }

    func doRealpath(path: ByteString) throws(CallError) -> ByteString {
        let host: ByteString
        do throws(SysError) { host = try sysroot.hostPath(path) } catch { throw CallError.perror(path, error.errno) }
        let rest = ByteString(host.bytes.dropFirst(sysroot.path.utf8.count))
        return rest.isEmpty ? "/" : rest
    }

    /// link(2) inside the chroot: the target's last name is not followed.
    private func hardLink(_ target: ByteString, _ link: ByteString, force: Bool) throws(CallError) {
        try perror("link: \(target): \(link)") { () throws(SysError) in
            try sysroot.atParent(target.hasPrefix("/") ? target : "/" + target) { (tdir, tname) throws(SysError) in
                try sysroot.atParent(link) { (ldir, lname) throws(SysError) in
                    if force { _ = unlinkat(ldir, lname.cString, 0) }
                    guard linkat(tdir, tname.cString, ldir, lname.cString, 0) == 0 else { throw SysError("link", link) }
                }
            }
        }
    }

    /// The real daemon runs ln(1) without -T: a link name that is a directory, or a
    /// symlink to one, gets the link inside it, named as the target's last name (as
    /// virt-customize's firstboot links a unit into multi-user.target.wants).
    private func symlinkDestination(_ target: ByteString, _ linkname: ByteString) -> ByteString {
        guard let last = target.components.last, (try? sysroot.directoryHostPath(linkname)) != nil else { return linkname }
        return (linkname.bytes.last == UInt8(ascii: "/") ? linkname : linkname + "/") + last
    }

    func doLnS(target: ByteString, linkname: ByteString) throws(CallError) {
        let destination = symlinkDestination(target, linkname)
        do throws(SysError) {
            try sysroot.atParent(destination) { (dir, name) throws(SysError) in
                guard symlinkat(target.cString, dir, name.cString) == 0 else { throw SysError("symlink", destination) }
            }
        } catch {
            // The real daemon runs ln -s and passes on its complaint.
            throw CallError("ln -s: \(target): \(linkname): ln: failed to create symbolic link '\(sysroot.path)\(destination)': \(error.reason)", errno: 0)
        }
    }

    func doReadlink(path: ByteString) throws(CallError) -> ByteString {
        do throws(SysError) { return try sysroot.linkTarget(path) } catch {
            throw CallError.perror("readlink: \(path)", error.errno)
        }
    }

    func doInternalReadlinklist(path: ByteString, names: [ByteString]) throws(CallError) -> [ByteString] {
        let dir = try openDirectory(path, prefix: "open: ")
        defer { close(dir) }
        // Errors are expected (names that are no symlinks): each gives "".
        return names.map { Sysroot.linkTarget(dir, $0) ?? "" }
    }
}
