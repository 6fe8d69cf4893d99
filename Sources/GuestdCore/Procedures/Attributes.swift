import Glibc
import GuestProtocol

/// copy_attributes (daemon/file.c of libguestfs 1.48): the permission bits, owner and
/// extended attributes of one guest path given to another, both followed through
/// symlinks. `all` turns on every part the caller left unset. virt-edit calls it to give
/// the edited copy the original's attributes before renaming it over the original.
extension Daemon {
    func doCopyAttributes(src: ByteString, dest: ByteString, all: Bool?, mode: Bool?, xattributes: Bool?, ownership: Bool?) throws(CallError) {
        let everything = all ?? false
        let copyMode = mode ?? everything, copyXattrs = xattributes ?? everything, copyOwner = ownership ?? everything
        let from: stat, to: stat
        do { from = try sysroot.statFollowing(src) } catch { throw CallError.perror("stat: \(src)", error.errno) }
        do { to = try sysroot.statFollowing(dest) } catch { throw CallError.perror("stat: \(dest)", error.errno) }
        let bits: mode_t = 0o7777
        if copyMode, from.st_mode & bits != to.st_mode & bits {
            let host = try followedHostPath(dest, call: "chmod")
            guard chmod(host.cString, from.st_mode & bits) == 0 else { throw CallError.perror("chmod: \(dest)", errno) }
        }
        if copyOwner, from.st_uid != to.st_uid || from.st_gid != to.st_gid {
            let host = try followedHostPath(dest, call: "chown")
            guard chown(host.cString, from.st_uid, from.st_gid) == 0 else { throw CallError.perror("chown: \(dest)", errno) }
        }
        if copyXattrs { try copyExtendedAttributes(src, dest) }
    }

    /// copy_xattrs: every attribute but the hidden one, read and written following
    /// symlinks, in listxattr's order.
    private func copyExtendedAttributes(_ src: ByteString, _ dest: ByteString) throws(CallError) {
        let from = try followedHostPath(src, call: "listxattr")
        guard let names = XattrCalls.list(from, follow: true) else { throw CallError.perror("listxattr: \(src)", errno) }
        let to = try followedHostPath(dest, call: "setxattr")
        for name in names {
            guard let value = XattrCalls.get(from, name, follow: true) else { throw CallError.perror("getxattr: \(src), \(name)", errno) }
            guard value.count <= Daemon.xattrSizeMax else { throw CallError("\(name): extended attribute is too large") }
            guard XattrCalls.set(to, name, value, follow: true) else { throw CallError.perror("setxattr: \(dest), \(name)", errno) }
        }
    }

    /// The resolved host path of a guest path; a failed lookup reads as `call` failing.
    private func followedHostPath(_ p: ByteString, call: String) throws(CallError) -> ByteString {
        do { return try sysroot.hostPath(p) } catch { throw CallError.perror("\(call): \(p)", error.errno) }
    }
}
