import Glibc
import GuestProtocol

/// mktemp and mkdtemp (daemon/mktemp.c): mkstemps(3) and mkdtemp(3) as if chrooted into
/// the guest. The six X's before the suffix become random letters and digits; the name
/// is created exclusively in its resolved directory (a file 0600, a directory 0700),
/// trying new letters while the name is taken, and returned as the caller spelled it.
extension Daemon {
    func doMktemp(tmpl: ByteString, suffix: ByteString?) throws(CallError) -> ByteString {
        var name = tmpl
        var suffixLength = 0
        if let suffix {
            guard tmpl.bytes.last == UInt8(ascii: "X") else { throw CallError("template \(tmpl) must end in X") }
            name = tmpl + suffix
            suffixLength = suffix.bytes.count
        }
        return try uniqueName(name, suffixLength: suffixLength) { (dir, leaf) in
            let fd = openat(dir, leaf.cString, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return false }
            close(fd)
            return true
        }
    }

    func doMkdtemp(tmpl: ByteString) throws(CallError) -> ByteString {
        try uniqueName(tmpl, suffixLength: 0) { (dir, leaf) in mkdirat(dir, leaf.cString, 0o700) == 0 }
    }

    /// __gen_tempname: EINVAL unless six X's stand before the suffix; other failures are
    /// the create's errno, reported with the name as reply_with_perror does.
    private func uniqueName(_ template: ByteString, suffixLength: Int, create: (Int32, ByteString) -> Bool) throws(CallError) -> ByteString {
        var bytes = template.bytes
        let end = bytes.count - suffixLength
        guard end >= 6, bytes[(end - 6) ..< end].allSatisfy({ $0 == UInt8(ascii: "X") }) else {
            throw CallError.perror(template, EINVAL)
        }
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        // glibc gives up after 62³ tries; a guest directory full of such names is the only way there.
        for _ in 0 ..< 238_328 {
            for i in (end - 6) ..< end { bytes[i] = letters.randomElement(using: &generator)! }
            let candidate = ByteString(bytes)
            let (made, failure) = sysroot.atParentOrError(candidate, create)
            if made { return candidate }
            guard failure == EEXIST else { throw CallError.perror(candidate, failure) }
        }
        throw CallError.perror(ByteString(bytes), EEXIST)
    }
}

extension Sysroot {
    /// Runs `create` on the resolved parent and last name: whether it made the name,
    /// and otherwise the errno of the failing step.
    func atParentOrError(_ guestPath: ByteString, _ create: (Int32, ByteString) -> Bool) -> (Bool, Int32) {
        do throws(SysError) {
            let (dir, name) = try parent(guestPath)
            defer { close(dir) }
            return create(dir, name) ? (true, 0) : (false, errno)
        } catch {
            return (false, error.errno)
        }
    }
}
