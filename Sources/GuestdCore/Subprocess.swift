import Glibc
import GuestProtocol
import SystemCalls

/// The real daemon's commandrvf: a program run with stdin on /dev/null, its stdout and
/// stderr collected; with a root, chrooted into it first. execvp searches PATH, which
/// Boot set for the appliance. Arguments are bytes: a guest command's words may be names.
enum Subprocess {
    struct Result {
        var status: Int32
        var out: [UInt8]
        var err: [UInt8]
        var succeeded: Bool { status == 0 }
    }

    /// `foldStdout` is COMMAND_FLAG_FOLD_STDOUT_ON_STDERR: the program's stdout goes into
    /// `err` too, interleaved as written, for error texts made of both.
    static func run(_ argv: [ByteString], root: String?, foldStdout: Bool = false) throws(SysError) -> Result {
        var so: [Int32] = [0, 0], se: [Int32] = [0, 0]
        guard pipe(&so) == 0 else { throw SysError("pipe", "stdout") }
        guard pipe(&se) == 0 else {
            let e = errno
            close(so[0]); close(so[1])
            throw SysError("pipe", "stderr", errno: e)
        }
        // Not inherited by the program (dup2 onto 1 and 2 clears the flag there).
        for fd in so + se { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // Everything the child touches is allocated before fork: after it only
        // async-signal-safe calls are made.
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0.cString) } + [nil]
        let cRoot = root.flatMap { strdup($0) }
        defer {
            for p in cArgs { free(p) }
            if let cRoot { free(cRoot) }
        }
        let pid = fork()
        if pid == 0 {
            signal(SIGPIPE, SIG_DFL)
            let null = open("/dev/null", O_RDONLY)
            if null >= 0 { dup2(null, 0) }
            dup2(foldStdout ? se[1] : so[1], 1)
            dup2(se[1], 2)
            if let cRoot, chroot(cRoot) != 0 { childFail("chroot in sysroot") }
            if chdir("/") != 0 { childFail("chdir") }
            cArgs.withUnsafeBufferPointer { _ = execvp(cArgs[0]!, $0.baseAddress!) }
            childFail(cArgs[0]!)
        }
        let forkErrno = errno
        close(so[1]); close(se[1])
        defer { close(so[0]); close(se[0]) }
        guard pid > 0 else { throw SysError("fork", argv.first ?? "", errno: forkErrno) }

        var result = Result(status: 0, out: [], err: [])
        try drain(so[0], se[0], into: &result)
        var status: Int32 = 0
        guard retryingEINTR({ waitpid(pid, &status, 0) }) >= 0 else { throw SysError("waitpid", argv[0]) }
        // WIFEXITED ? WEXITSTATUS : a signal death counts as failure.
        result.status = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return result
    }

    /// commandrvf's error text: stderr without its trailing newlines, as its bytes (a
    /// tool may quote a name).
    static func errorText(_ r: Result) -> ByteString {
        var err = r.err[...]
        while err.last == UInt8(ascii: "\n") { err = err.dropLast() }
        return ByteString(err)
    }

    /// Runs an appliance program (never chrooted) for a procedure: a spawn failure is
    /// the call's error, with the program's name.
    static func appliance(_ argv: [ByteString], foldStdout: Bool = false) throws(CallError) -> Result {
        do throws(SysError) {
            return try run(argv, root: nil, foldStdout: foldStdout)
        } catch {
            throw CallError.perror("\(error.call): \(error.path)", error.errno)
        }
    }

    /// The same, for a tool's words that are all text (devices, options).
    static func appliance(_ argv: [String], foldStdout: Bool = false) throws(CallError) -> Result {
        try appliance(argv.map { ByteString($0) }, foldStdout: foldStdout)
    }

    /// A command's words joined by spaces, as a shell line or for its error texts.
    static func commandLine(_ argv: [ByteString]) -> ByteString {
        ByteString(argv.map(\.bytes).joined(separator: [UInt8(ascii: " ")]))
    }

    /// Reads both pipes until both reach end of file, so neither side can block the other.
    private static func drain(_ out: Int32, _ err: Int32, into r: inout Result) throws(SysError) {
        var fds = [pollfd(fd: out, events: Int16(POLLIN), revents: 0), pollfd(fd: err, events: Int16(POLLIN), revents: 0)]
        var buf = [UInt8](repeating: 0, count: 65536)
        while fds.contains(where: { $0.fd >= 0 }) {
            guard retryingEINTR({ poll(&fds, nfds_t(fds.count), -1) }) >= 0 else { throw SysError("poll", "command output") }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = FileDescriptorIO.read(fds[i].fd, into: &buf)
                if n > 0 {
                    if i == 0 { r.out += buf[0..<n] } else { r.err += buf[0..<n] }
                } else {
                    fds[i].fd = -1
                }
            }
        }
    }

    /// perror in the child, then _exit(1): the message (its bytes: it may be a guest
    /// program's name) reaches the parent's stderr pipe.
    private static func childFail(_ what: UnsafePointer<CChar>) -> Never {
        let reason = strerror(errno)!
        _ = write(2, what, strlen(what))
        _ = write(2, ": ", 2)
        _ = write(2, reason, strlen(reason))
        _ = write(2, "\n", 1)
        _exit(1)
    }
}
