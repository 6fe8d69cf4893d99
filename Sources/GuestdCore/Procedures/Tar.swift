import Glibc
import GuestProtocol
import SystemCalls

/// tar_in, tar_out, tgz_in, tgz_out, txz_in, txz_out (daemon/tar.c of libguestfs 1.48): tar runs in the
/// appliance with -C on the sysroot path, fed from or feeding the chunk stream; its
/// stderr goes to a file in /tmp whose text ends the error messages.
extension Daemon {
    func doTarIn(directory: ByteString, compress: ByteString?, xattrs: Bool?, selinux: Bool?, acls: Bool?, fileIn: FileInReceiver?) throws(CallError) {
        var flags: [ByteString] = []
        if xattrs == true { flags += ["--xattrs", "--xattrs-include=*"] }
        if selinux == true { flags.append("--selinux") }
        if acls == true { flags.append("--acls") }
        return try tarIn(directory, compress: compress?.description, flags, fileIn: fileIn, stub: Procedure.tarIn.stub)
    }

    func doTgzIn(directory: ByteString, fileIn: FileInReceiver?) throws(CallError) {
        try tarIn(directory, compress: "gzip", [], fileIn: fileIn, stub: Procedure.tgzIn.stub)
    }

    func doTarOut(directory: ByteString, compress: ByteString?, numericowner: Bool?, excludes: [ByteString]?, xattrs: Bool?, selinux: Bool?, acls: Bool?) throws(CallError) -> Answer {
        var flags = try Daemon.tarFilter(compress?.description)
        if numericowner == true { flags.append("--numeric-owner") }
        var excludeFile: TempFile?
        if let patterns = excludes { excludeFile = try Daemon.excludeFile("tar-out", patterns) }
        if let excludeFile { flags += ["-X", ByteString(excludeFile.path)] }
        if xattrs == true { flags.append("--xattrs") }
        if selinux == true { flags.append("--selinux") }
        if acls == true { flags.append("--acls") }
        return try tarOut(directory, flags, cleanup: excludeFile)
    }

    func doTgzOut(directory: ByteString) throws(CallError) -> Answer {
        try tarOut(directory, ["--gzip"], cleanup: nil)
    }

    // txz_in and txz_out are in the optional group "xz" (checked before the call).
    func doTxzIn(directory: ByteString, fileIn: FileInReceiver?) throws(CallError) {
        return try tarIn(directory, compress: "xz", [], fileIn: fileIn, stub: Procedure.txzIn.stub)
    }

    func doTxzOut(directory: ByteString) throws(CallError) -> Answer {
        return try tarOut(directory, ["--xz"], cleanup: nil)
    }

    /// The compress optional argument as tar's flag (1.48 knows these five).
    static func tarFilter(_ compress: String?) throws(CallError) -> [ByteString] {
        guard let compress else { return [] }
        guard ["compress", "gzip", "bzip2", "xz", "lzop"].contains(compress) else {
            throw CallError("unknown compression type: \(compress)")
        }
        return ["--\(compress)"]
    }

    /// make_exclude_from_file: one pattern a line, as its bytes.
    static func excludeFile(_ function: String, _ patterns: [ByteString]) throws(CallError) -> TempFile {
        let file: TempFile
        do throws(SysError) { file = try TempFile(prefix: "excludes") } catch { throw CallError.perror("mkstemp", error.errno) }
        for p in patterns {
            guard !p.contains(UInt8(ascii: "\n")) else {
                file.remove()
                throw CallError("\(function): excludes file patterns cannot contain \\n character")
            }
            do throws(SysError) { try writeAll(file.fd, (p + "\n").bytes, ByteString(file.path)) } catch {
                file.remove()
                throw CallError.perror("write", error.errno)
            }
        }
        return file
    }

    /// The chown probe comes before the compress check, as in the real daemon.
    private func tarIn(_ dir: ByteString, compress: String?, _ flags: [ByteString], fileIn: FileInReceiver?, stub: String) throws(CallError) {
        let target = ByteString(options.sysroot) + dir
        let chownSupported = try Daemon.chownSupported(target, dir)
        let filter = try Daemon.tarFilter(compress)
        let argv: [ByteString] = ["tar", "-C", target] + filter + ["-xf", "-"] + (chownSupported ? [] : ["--no-same-owner"]) + flags
        let fed = try PipedChild.feed(argv, from: fileIn, stub: stub)
        switch fed.failure {
        case .sinkFailed?: throw CallError("write error on directory: \(dir): \(fed.errors)")
        case .cancelledByLibrary?: throw CallError("file upload cancelled")
        case nil:
            guard fed.status == 0 else { throw CallError("tar subcommand failed on directory: \(dir): \(fed.errors)") }
        }
    }

    /// is_chown_supported: a scratch file in the directory, fchown'd to 1000:1000; EPERM
    /// means the filesystem has no owners (vfat), so tar must not try to keep them.
    private static func chownSupported(_ target: ByteString, _ dir: ByteString) throws(CallError) -> Bool {
        var name = "/"
        for _ in 0 ..< 8 { name.append(Character(Unicode.Scalar(UInt8.random(in: 97 ... 122)))) }
        name += "."
        for _ in 0 ..< 3 { name.append(Character(Unicode.Scalar(UInt8.random(in: 97 ... 122)))) }
        let path = (target + ByteString(name)).cString
        let fd = open(path, O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw CallError.perror(dir, errno) }
        let r = fchown(fd, 1000, 1000)
        let e = errno
        close(fd)
        unlink(path)
        if r == 0 { return true }
        if e == EPERM { return false }
        throw CallError.perror("unexpected error in fchown", e)
    }

    private func tarOut(_ dir: ByteString, _ flags: [ByteString], cleanup: TempFile?) throws(CallError) -> Answer {
        let source = ByteString(options.sysroot) + dir
        var st = stat()
        guard stat(source.cString, &st) == 0 else { let e = errno; cleanup?.remove(); throw CallError.perror("stat: \(dir)", e) }
        guard st.st_mode.isDirectory else { cleanup?.remove(); throw CallError("\(dir): not a directory") }
        let argv: [ByteString] = ["tar", "-C", source] + flags + ["-cf", "-", "."]
        return try PipedChild.streamOutput(of: argv, cleanup: cleanup)
    }
}
