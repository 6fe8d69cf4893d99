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
        let p: (read: Int32, write: Int32)
        do throws(Errno) { p = try ChildProcess.pipe() } catch { throw SysError("pipe", argv[0], errno: error.code) }
        let (ours, theirs) = direction == .toStdin ? (p.write, p.read) : (p.read, p.write)
        var child = ChildProcess(argv.map(\.bytes))
        child.redirections = direction == .toStdin
            ? [.fd(theirs, onto: 0), .open("/dev/null", flags: O_WRONLY, onto: 1), .fd(errFd, onto: 2)]
            : [.open("/dev/null", flags: O_RDONLY, onto: 0), .fd(theirs, onto: 1), .fd(errFd, onto: 2)]
        let pid: pid_t
        do throws(Errno) { pid = try child.spawn() } catch {
            close(ours); close(theirs)
            throw SysError("fork", argv[0], errno: error.code)
        }
        close(theirs)
        return PipedChild(pid: pid, fd: ours)
    }

    /// Closes our end (the child sees end of file) and waits: the exit status, or 128 +
    /// the signal that killed it.
    func finish() -> Int32 {
        close(fd)
        return ChildProcess.wait(pid) ?? 255
    }
}

extension PipedChild {
    /// A program's stdout as a FileOut stream (its stderr to the console, as popen's
    /// child inherits the daemon's); a failing program cancels the transfer. `cleanup`
    /// is removed when the stream ends, or at once if the program cannot start.
    static func streamOutput(of argv: [ByteString], cleanup: TempFile? = nil) throws(CallError) -> Answer {
        let child: PipedChild
        do throws(SysError) { child = try PipedChild.start(argv, .fromStdout, stderr: 2) } catch {
            cleanup?.remove()
            throw CallError.perror(Subprocess.commandLine(argv), error.errno)
        }
        return .fileOut { stream in
            defer { cleanup?.remove() }
            var buf = [UInt8](repeating: 0, count: Guestfs.maxChunkSize)
            do {
                while true {
                    let r = FileDescriptorIO.read(child.fd, into: &buf)
                    if r < 0 { _ = child.finish(); try stream.abort(); return }
                    if r == 0 { break }
                    try stream.write(buf[0 ..< r])
                }
            } catch {
                _ = child.finish()  // closing the pipe ends the program with SIGPIPE
                throw error
            }
            guard child.finish() == 0 else { try stream.abort(); return }
            try stream.finish()
        }
    }
}

extension PipedChild {
    /// How a program fed a FileIn upload ended: the receiver's failure (nil when every
    /// chunk went in), the program's exit status and its stderr.
    struct Fed {
        var failure: FileInReceiver.Failure?
        var status: Int32
        var errors: ByteString
    }

    /// The upload's chunks as a program's stdin (popen "w" with "2> error_file", as the
    /// real daemon's tar_in and ntfsclone_in run theirs).
    static func feed(_ argv: [ByteString], from fileIn: FileInReceiver?, stub: String) throws(CallError) -> Fed {
        let errors: TempFile
        do throws(SysError) { errors = try TempFile(prefix: String(decoding: argv[0].bytes, as: UTF8.self)) } catch {
            throw CallError.perror("mkstemp", error.errno)
        }
        defer { errors.remove() }
        let child: PipedChild
        do throws(SysError) { child = try PipedChild.start(argv, .toStdin, stderr: errors.fd) } catch {
            throw CallError.perror(Subprocess.commandLine(argv), error.errno)
        }
        guard let fileIn else { _ = child.finish(); throw CallError("\(stub): no file transfer") }
        let failure: FileInReceiver.Failure?
        do throws(CallError) {
            failure = try fileIn.receive { (data: [UInt8]) throws(SysError) in try Daemon.writeAll(child.fd, data, argv[0]) }
        } catch {
            _ = child.finish()
            throw error
        }
        let status = child.finish()
        return Fed(failure: failure, status: status, errors: errors.contents())
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
