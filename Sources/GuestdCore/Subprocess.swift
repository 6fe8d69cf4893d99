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
        let so: (read: Int32, write: Int32), se: (read: Int32, write: Int32)
        do throws(Errno) { so = try ChildProcess.pipe() } catch { throw SysError("pipe", "stdout", errno: error.code) }
        do throws(Errno) { se = try ChildProcess.pipe() } catch {
            close(so.read); close(so.write)
            throw SysError("pipe", "stderr", errno: error.code)
        }
        var child = ChildProcess(argv.map(\.bytes))
        child.redirections = [.open("/dev/null", flags: O_RDONLY, onto: 0), .fd(foldStdout ? se.write : so.write, onto: 1), .fd(se.write, onto: 2)]
        (child.root, child.directory, child.rootFailure, child.failureStatus) = (root, "/", "chroot in sysroot", 1)
        let pid: pid_t
        do throws(Errno) { pid = try child.spawn() } catch {
            for fd in [so.read, so.write, se.read, se.write] { close(fd) }
            throw SysError("fork", argv.first ?? "", errno: error.code)
        }
        close(so.write); close(se.write)
        defer { close(so.read); close(se.read) }

        var result = Result(status: 0, out: [], err: [])
        try drain(so.read, se.read, into: &result)
        // A signal death counts as failure (128 + the signal).
        guard let status = ChildProcess.wait(pid) else { throw SysError("waitpid", argv[0]) }
        result.status = status
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
}
