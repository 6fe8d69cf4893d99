import Dispatch
import Glibc
import NIOConcurrencyHelpers
import NIOCore
import NIOSSH
import SystemCalls

/// The program of one session channel and the threads that relay its descriptors:
/// one blocking reader per output (stdout, stderr; or the pty master), a serial queue for
/// writes to its input, and a waiter that sends exit-status or exit-signal once the
/// program has ended and its output is drained, then closes the channel.
final class SessionProcess: @unchecked Sendable {
    let pid: pid_t
    private let input: Int32
    private let outputs: [(fd: Int32, type: SSHChannelData.DataType)]
    private let isTerminal: Bool
    /// Writes, resizes and the final close of the descriptors all happen here, in order.
    private let inputQueue = DispatchQueue(label: "appliance-sshd.input")
    private var inputOpen = true  // on inputQueue
    private let exited = NIOLockedValueBox(false)

    /// `/bin/sh -c COMMAND` for exec, `/bin/sh -i` on a pty or plain `/bin/sh` for shell.
    static func start(command: String?, environment: [String], terminal: PseudoTerminal?) throws(SSHDError) -> SessionProcess {
        var argv = ["/bin/sh"]
        if let command { argv += ["-c", command] } else if terminal != nil { argv.append("-i") }
        if let terminal {
            let pid = try spawn(argv, environment, [.open(terminal.slavePath, flags: O_RDWR, onto: 0), .fd(0, onto: 1), .fd(0, onto: 2)])
            return SessionProcess(pid: pid, input: terminal.master, outputs: [(terminal.master, .channel)], isTerminal: true)
        }
        let i = try pipe(), o = try pipe(), e = try pipe()
        defer { for fd in [i.read, o.write, e.write] { close(fd) } }
        do {
            let pid = try spawn(argv, environment, [.fd(i.read, onto: 0), .fd(o.write, onto: 1), .fd(e.write, onto: 2)])
            return SessionProcess(pid: pid, input: i.write, outputs: [(o.read, .channel), (e.read, .stdErr)], isTerminal: false)
        } catch {
            for fd in [i.write, o.read, e.read] { close(fd) }
            throw error
        }
    }

    /// The program in a new session with the defaults of a login's signals. A terminal
    /// opened after setsid becomes its controlling terminal (job control, ^C).
    private static func spawn(_ argv: [String], _ environment: [String], _ stdio: [ChildProcess.Redirection]) throws(SSHDError) -> pid_t {
        var child = ChildProcess(argv, environment: environment)
        child.newSession = true
        child.redirections = stdio
        do throws(Errno) { return try child.spawn() } catch { throw SSHDError("fork", argv[0], errno: error.code) }
    }

    private static func pipe() throws(SSHDError) -> (read: Int32, write: Int32) {
        do throws(Errno) { return try ChildProcess.pipe() } catch { throw SSHDError("pipe", "session stdio", errno: error.code) }
    }

    private init(pid: pid_t, input: Int32, outputs: [(fd: Int32, type: SSHChannelData.DataType)], isTerminal: Bool) {
        self.pid = pid
        self.input = input
        self.outputs = outputs
        self.isTerminal = isTerminal
    }

    /// Starts the readers and the waiter; call once the request has been answered, so
    /// the reply goes out before any output.
    func relay(to channel: Channel) {
        let drained = DispatchGroup()
        for (fd, type) in outputs {
            drained.enter()
            DetachedThread.start { [self] in
                readUntilDone(fd, type, channel)
                drained.leave()
            }
        }
        DetachedThread.start { [self] in
            var status: Int32 = 0
            _ = retryingEINTR { waitpid(pid, &status, 0) }
            exited.withLockedValue { $0 = true }
            drained.wait()
            inputQueue.sync {
                if inputOpen || isTerminal { close(input) }
                inputOpen = false
                for (fd, _) in outputs where fd != input { close(fd) }
            }
            Self.reportExit(status, on: channel)
        }
    }

    /// Until end of file (EIO on a pty master whose slave is closed), or until the
    /// program has exited and nothing more is pending: a background job that keeps the
    /// descriptor open must not keep the session open.
    private func readUntilDone(_ fd: Int32, _ type: SSHChannelData.DataType, _ channel: Channel) {
        var buf = [UInt8](repeating: 0, count: 32768)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = retryingEINTR { poll(&pfd, 1, 100) }
            if ready < 0 { break }
            if ready == 0 { if exited.withLockedValue({ $0 }) { break } else { continue } }
            let n = FileDescriptorIO.read(fd, into: &buf)
            if n < 0 && errno == EAGAIN { continue }
            guard n > 0 else { break }
            let data = SSHChannelData(type: type, data: .byteBuffer(channel.allocator.buffer(bytes: buf[0..<n])))
            // Waiting for each write keeps a fast program from outrunning the client's window.
            do { try channel.writeAndFlush(data).wait() } catch { break }
        }
    }

    private static func reportExit(_ status: Int32, on channel: Channel) {
        let signal = status & 0x7F
        let sent: EventLoopFuture<Void>
        if signal == 0 {
            sent = channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: Int((status >> 8) & 0xFF)))
        } else {
            let event = SSHChannelRequestEvent.ExitSignal(signalName: SignalNames.name(of: signal), errorMessage: "",
                                                          language: "", dumpedCore: status & 0x80 != 0)
            sent = channel.triggerUserOutboundEvent(event)
        }
        sent.whenComplete { _ in channel.close(promise: nil) }
    }

    func write(_ bytes: ByteBuffer) {
        inputQueue.async { [self] in
            guard inputOpen else { return }
            try? FileDescriptorIO.writeAll(input, bytes.readableBytesView)
        }
    }

    /// The client's EOF: the program's stdin ends. A terminal cannot be half-closed; it
    /// gets the EOF character instead, as typing ^D.
    func endInput() {
        inputQueue.async { [self] in
            guard inputOpen else { return }
            if isTerminal {
                var eof: UInt8 = 4
                _ = Glibc.write(input, &eof, 1)
            } else {
                close(input)
                inputOpen = false
            }
        }
    }

    func resize(columns: Int, rows: Int, pixelWidth: Int, pixelHeight: Int) {
        guard isTerminal else { return }
        inputQueue.async { [self] in
            if inputOpen { PseudoTerminal.resize(master: input, columns: columns, rows: rows, pixelWidth: pixelWidth, pixelHeight: pixelHeight) }
        }
    }

    /// Signals the program's whole session (it is a session leader: pid = its group).
    func signal(_ number: Int32) {
        if !exited.withLockedValue({ $0 }) { kill(-pid, number) }
    }
}

/// The SSH names of signals (RFC 4254 §6.10): the usual name without "SIG".
enum SignalNames {
    static let table: [(Int32, String)] = [
        (SIGABRT, "ABRT"), (SIGALRM, "ALRM"), (SIGFPE, "FPE"), (SIGHUP, "HUP"), (SIGILL, "ILL"), (SIGINT, "INT"),
        (SIGKILL, "KILL"), (SIGPIPE, "PIPE"), (SIGQUIT, "QUIT"), (SIGSEGV, "SEGV"), (SIGTERM, "TERM"),
        (SIGUSR1, "USR1"), (SIGUSR2, "USR2"),
    ]
    static func name(of number: Int32) -> String { table.first { $0.0 == number }?.1 ?? "SIG\(number)" }
    static func number(of name: String) -> Int32? { table.first { $0.1 == name }?.0 }
}
