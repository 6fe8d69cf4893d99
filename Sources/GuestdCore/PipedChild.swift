import Glibc
import GuestProtocol
import SystemCalls

/// popen for tar_in and tar_out: an appliance program with one end of a pipe as its
/// stdin or its stdout, stderr into a file the caller reads for the error text, as the
/// real daemon's "2> error_file". Waited for by pid, before PID 1's reaping sees it.
struct PipedChild {
    enum Direction { case toStdin, fromStdout }

    let pid: pid_t
    /// Our end of the pipe: write to the child's stdin, or read its stdout.
    let fd: Int32

    static func start(_ argv: [ByteString], _ direction: Direction, stderr errFd: Int32) throws(SysError) -> PipedChild {
        var p: [Int32] = [0, 0]
        guard pipe(&p) == 0 else { throw SysError("pipe", argv[0]) }
        for fd in p { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (ours, theirs, target) = direction == .toStdin ? (p[1], p[0], Int32(0)) : (p[0], p[1], Int32(1))
        // Allocated before fork: the child makes only async-signal-safe calls.
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0.cString) } + [nil]
        defer { for a in cArgs { free(a) } }
        let pid = fork()
        if pid == 0 {
            signal(SIGPIPE, SIG_DFL)
            let null = open("/dev/null", O_RDWR)
            if null >= 0 { dup2(null, direction == .toStdin ? 1 : 0) }
            dup2(theirs, target)
            dup2(errFd, 2)
            cArgs.withUnsafeBufferPointer { _ = execvp(cArgs[0]!, $0.baseAddress!) }
            let reason = strerror(errno)!
            _ = write(2, cArgs[0]!, strlen(cArgs[0]!))
            _ = write(2, ": ", 2)
            _ = write(2, reason, strlen(reason))
            _ = write(2, "\n", 1)
            _exit(127)
        }
        let forkErrno = errno
        close(theirs)
        guard pid > 0 else {
            close(ours)
            throw SysError("fork", argv[0], errno: forkErrno)
        }
        return PipedChild(pid: pid, fd: ours)
    }

    /// Closes our end (the child sees end of file) and waits: the exit status, or 128 +
    /// the signal that killed it.
    func finish() -> Int32 {
        close(fd)
        var status: Int32 = 0
        guard retryingEINTR({ waitpid(pid, &status, 0) }) >= 0 else { return 255 }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}

/// A file in /tmp for a program's stderr (mkstemp), read back for the error text and
/// removed; excludes lists for tar -X are written the same way.
struct TempFile {
    let path: String
    let fd: Int32

    init(prefix: String) throws(SysError) {
        var template = Array("/tmp/\(prefix)XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SysError("mkstemp", "/tmp/\(prefix)XXXXXX") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)  // dup2 onto a child's stderr clears it there
        self.fd = fd
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// read_error_file: the contents without a trailing newline, "(no error)" if
    /// unreadable; bytes, as a program wrote them (tar quotes names).
    func contents() -> ByteString {
        guard lseek(fd, 0, SEEK_SET) == 0, var bytes = try? FileDescriptorIO.readAll(fd) else { return "(no error)" }
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return ByteString(bytes)
    }

    func remove() {
        close(fd)
        unlink(path)
    }
}
