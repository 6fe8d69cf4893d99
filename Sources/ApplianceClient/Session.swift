import Foundation
import GuestProtocol
import HostBuilder

/// One running appliance: a qemu process and the protocol channel to its guestd.
/// Used from one thread at a time.
public final class Session {
    public let appliance: Appliance
    public let usedKVM: Bool
    /// Called for each progress message the daemon sends during a call.
    public var onProgress: ((GuestProtocol.Progress) -> Void)?
    /// Seconds from starting qemu to the daemon's launch flag.
    public private(set) var bootSeconds: Double = 0
    /// Restored from a saved state instead of booted (LaunchOptions.warmStart).
    public private(set) var warmStarted = false
    /// This launch booted cold and saved the state later launches restore.
    public private(set) var savedState = false
    /// Why this launch could not save the state it was to save; nil when it did or had none to save.
    public private(set) var stateNotSaved: String?
    /// When qemu was started.
    public let started: Date
    /// qemu's process id, for tools that watch or stop it; 0 for a connected session.
    public var qemuProcessID: Int32 { process?.processIdentifier ?? 0 }

    /// nil when connected to an appliance another process runs (`appliance launch`).
    private let process: Process?
    private let console: ConsoleLog
    let channel: FrameChannel
    private let tempDir: String
    /// Takes qemu down if this process dies without shutting it down.
    private var watchdog: Watchdog?
    var serial: UInt32 = 0x1000
    private var closed = false
    private var channelBroken = false
    /// A serial port has no hang-up: guestd never sees the host close it, so shutdown
    /// syncs and stops qemu itself, as libguestfs's launcher always does.
    private var serialChannel = false

    /// Boots the appliance and waits for guestd's launch flag. With accel `auto`, a KVM
    /// that exists but cannot run a guest — qemu aborts, or the guest shows no sign of
    /// life within `kvmProgressTimeout` — is noticed, remembered, and TCG is used.
    public static func launch(appliance: Appliance, options: LaunchOptions,
                              notice: (String) -> Void = { FileHandle.standardError.write(Data(("appliance: " + $0 + "\n").utf8)) }) throws -> Session {
        let kvm = KVMProbe(device: options.kvmDevice, stateDirectory: options.stateDirectory, qemu: options.qemu)
        switch options.accel {
        case .tcg:
            return try boot(appliance, options, useKVM: false, notice)
        case .kvm:
            if let why = kvm.unavailableReason() { throw ClientError.usage("--accel kvm: \(why)") }
            do {
                return try boot(appliance, options, useKVM: true, notice)
            } catch let ClientError.kvmStalled(seconds, _) {
                kvm.rememberUnusable(because: "the guest showed no sign of life under KVM within \(seconds) s")
                throw ClientError.usage("--accel kvm: the guest showed no sign of life under KVM within \(seconds) s (this host's KVM hangs); use --accel tcg or auto")
            }
        case .auto:
            if let why = kvm.unavailableReason() {
                notice("\(why); using TCG (software emulation, slower)")
                return try boot(appliance, options, useKVM: false, notice)
            }
            let reason: String, said: String
            do {
                return try boot(appliance, options, useKVM: true, notice)
            } catch let ClientError.qemuExited(status, console) {
                let last = console.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                reason = "qemu exited with status \(status) under KVM"
                said = "qemu could not run a guest with it (\(last))"
            } catch let ClientError.kvmStalled(seconds, _) {
                reason = "the guest showed no sign of life under KVM within \(seconds) s"
                said = "the guest showed no sign of life under it within \(seconds) s"
            }
            kvm.rememberUnusable(because: reason)
            notice("KVM is present but \(said); using TCG")
            return try boot(appliance, options, useKVM: false, notice)
        }
    }

    /// One launch; a saved state that does not load is replaced by a cold boot (which saves
    /// a new one), with a notice.
    private static func boot(_ appliance: Appliance, _ options: LaunchOptions, useKVM: Bool, _ notice: (String) -> Void) throws -> Session {
        let session: Session
        do {
            session = try Session(appliance: appliance, options: options, useKVM: useKVM)
        } catch let ClientError.warmRestoreFailed(reason) {
            notice("the saved appliance state did not load (\(reason)); booting cold and saving it again")
            session = try Session(appliance: appliance, options: options, useKVM: useKVM)
        }
        if let why = session.stateNotSaved { notice("the appliance's state was not saved (\(why)); the next launch boots cold too") }
        return session
    }

    private init(appliance: Appliance, options: LaunchOptions, useKVM: Bool) throws {
        self.appliance = appliance
        self.usedKVM = useKVM
        started = Date()
        let dir = try Self.makePrivateFolder()
        tempDir = dir

        var cleanup = true
        defer { if cleanup { try? FileManager.default.removeItem(atPath: dir) } }

        let listener = try ListeningSocket(path: dir + "/channel")
        if options.legacyDevices, options.drives.count > QemuCommand.legacyDiskLimit {
            throw ClientError.usage("--legacy-devices: at most \(QemuCommand.legacyDiskLimit) disks (the IDE controller has four places and the appliance's CD-ROM takes one), \(options.drives.count) given")
        }
        var opts = options
        opts.drives = try options.drives.map(Self.checked)
        let warmBoot = WarmState.isPossible(options, useKVM: useKVM)
        let command = QemuCommand(appliance: appliance, rootUUID: try appliance.rootUUID(), options: opts,
                                  useKVM: useKVM, channelSocket: listener.path,
                                  initModules: appliance.bootModuleClosure(QemuCommand.bootModules(for: opts, warm: warmBoot)),
                                  warm: warmBoot)
        guard let qemu = executablePath(options.qemu) else {
            throw ClientError.usage("\(options.qemu) not found on PATH; install qemu-system-x86 (apt-get install qemu-system-x86)")
        }
        let warm = command.warm ? WarmState(appliance: appliance, qemu: qemu, command: command, privateFolder: dir) : nil
        let loading = warm?.identity
        let restoring = loading != nil
        let process = Process()
        self.process = process
        process.executableURL = URL(fileURLWithPath: qemu)
        process.arguments = command.arguments + (restoring ? ["-incoming", warm!.incomingArgument] : [])
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        console = ConsoleLog(reading: pipe.fileHandleForReading, echo: options.verbose, timestamps: options.timings)
        do { try process.run() } catch {
            throw ClientError.io(call: "exec", path: qemu, errno: (error as NSError).code == 0 ? ENOENT : Int32((error as NSError).code))
        }
        try? pipe.fileHandleForWriting.close()
        let guardian: Watchdog
        do {
            // A warm boot's QMP socket shares the folder: it must go before the folder can.
            guardian = try Watchdog(guarding: process.processIdentifier,
                                    removing: [listener.path] + (warm != nil ? [command.qmpSocket] : []) + [dir])
        } catch {
            Self.stop(process)
            throw error
        }
        watchdog = guardian

        let deadline = Date().addingTimeInterval(options.bootTimeout)
        // Under KVM the guest must show a sign of life (init's first line) quickly: a KVM
        // that hangs runs qemu at full speed while the guest never gets past the firmware.
        let lifeDeadline = useKVM ? Date().addingTimeInterval(options.kvmProgressTimeout) : nil
        let console = self.console
        let stillBooting = {
            if !process.isRunning {
                process.waitUntilExit()
                throw ClientError.qemuExited(status: process.terminationStatus, console: console.tail(waitForEOF: true))
            }
            if let lifeDeadline, Date() > lifeDeadline, !console.showedSignOfLife {
                throw ClientError.kvmStalled(seconds: options.kvmProgressTimeout, console: console.tail())
            }
            if Date() > deadline { throw ClientError.bootTimedOut(seconds: options.bootTimeout, console: console.tail()) }
        }
        do {
            let fd = try listener.accept(stillWaiting: stillBooting)
            channel = FrameChannel(fd: fd, timeout: nil)
            let qmp = try warm.map { _ in try QMP(path: command.qmpSocket, stillWaiting: stillBooting) }
            if restoring, let qmp {
                // guestd sent its launch flag before the state was saved: it is waiting for a call.
                try WarmState.waitLoaded(qmp, stillWaiting: stillBooting)
            } else {
                try waitReadable(fd, path: listener.path, stillWaiting: stillBooting)
                channel.timeout = max(1, deadline.timeIntervalSinceNow)
                switch try channel.readFrame() {
                case .launchFlag: break
                case let other: throw ClientError.protocolViolation("expected the launch flag, got \(other)")
                }
                if let warm, let qmp {
                    try qmp.execute("stop")
                    // A state that cannot be written (a full disk) costs later launches
                    // their warm start, not this one its appliance.
                    do { savedState = try warm.save(qmp, stillWaiting: stillBooting) } catch let e as ClientError {
                        switch e {
                        case .usage, .io: stateNotSaved = "\(e)"
                        default: throw e
                        }
                    }
                }
            }
            if let qmp {
                try WarmState.attach(opts.drives, qmp)
                try qmp.execute("cont")
            }
            channel.timeout = options.callTimeout
        } catch {
            // A guest that never started has nothing to flush: no graceful wait.
            if case ClientError.kvmStalled = error { kill(process.processIdentifier, SIGKILL) }
            // Killed by a signal from elsewhere, before this launcher stopped it (a qemu
            // that just died may not be reaped yet when its sockets report it).
            if restoring { Self.awaitExit(process, seconds: 0.3) }
            let killed = !process.isRunning && process.terminationReason == .uncaughtSignal
            Self.endFailedBoot(process, guardian)
            var failure = error
            if let e = error as? ChannelError {
                failure = !process.isRunning && (process.terminationStatus != 0 || e == .closed)
                    ? ClientError.qemuExited(status: process.terminationStatus, console: console.tail(waitForEOF: true))
                    : ClientError.channel(procedure: "launch", e)
            }
            // A state that does not load is removed; the caller boots cold and saves anew.
            // A qemu killed from outside says nothing about the state: that error stands.
            if restoring, let warm, !killed {
                warm.remove(ifStill: loading)
                throw ClientError.warmRestoreFailed(reason: "\(failure)".split(separator: "\n").first.map(String.init) ?? "")
            }
            throw failure
        }
        bootSeconds = Date().timeIntervalSince(started)
        serialChannel = options.legacyDevices
        warmStarted = restoring
        cleanup = false
        if restoring {
            // Clones of one state would share the kernel's random state and a clock stopped
            // at the save: set both from the host before the first call.
            let now = Date().timeIntervalSince1970
            var rng = SystemRandomNumberGenerator()
            let entropy = (0 ..< 32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            try internalApplianceResume(Int64(now), Int64((now - now.rounded(.down)) * 1e9), entropy)
        }
        // Hot-plugged disks appear a moment after `cont`: the first call must see them all.
        if warm != nil, !opts.drives.isEmpty { try awaitDisks(opts.drives.count, deadline: deadline) }
    }

    /// Asks guestd for its disks until it lists `count` of them.
    private func awaitDisks(_ count: Int, deadline: Date) throws {
        while try listDevices().count < count {
            guard Date() < deadline else { throw ClientError.bootTimedOut(seconds: deadline.timeIntervalSince(started), console: consoleTail()) }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Waits a moment for qemu to end by itself.
    private static func awaitExit(_ process: Process, seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    }

    /// Stops qemu and its watchdog after a failed boot, before the folder is removed.
    private static func endFailedBoot(_ process: Process, _ watchdog: Watchdog) {
        stop(process)
        watchdog.release()
    }

    /// A session over a channel that is already connected, with `standIn` in qemu's place:
    /// for tests that play the daemon, hostile ones included.
    init(connectedTo fd: Int32, standIn: Process, timeout: Double) throws {
        appliance = Appliance(directory: "/nonexistent")
        usedKVM = false
        started = Date()
        tempDir = try Self.makePrivateFolder()
        process = standIn
        let pipe = Pipe()
        standIn.standardOutput = pipe
        console = ConsoleLog(reading: pipe.fileHandleForReading, echo: false)
        try standIn.run()
        try? pipe.fileHandleForWriting.close()
        channel = FrameChannel(fd: fd, timeout: timeout)
    }

    /// A fresh mode-0700 folder for the channel socket (mkdtemp), removed at shutdown.
    private static func makePrivateFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "appliance-XXXXXX").utf8CString)
        guard Glibc.mkdtemp(&template) != nil else { throw ClientError.io(call: "mkdtemp", path: NSTemporaryDirectory(), errno: errno) }
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A session with an appliance that another process keeps running: the unix socket
    /// `appliance launch` printed, which greets each client with the launch flag.
    /// shutdown() only closes the connection; the appliance goes on.
    public init(connectingTo socketPath: String, timeout: Double) throws {
        appliance = Appliance(directory: "/nonexistent")
        usedKVM = false
        started = Date()
        tempDir = ""
        process = nil
        let pipe = Pipe()
        console = ConsoleLog(reading: pipe.fileHandleForReading, echo: false)
        try? pipe.fileHandleForWriting.close()
        let fd = try UnixSocket.connect(socketPath)
        channel = FrameChannel(fd: fd, timeout: timeout)
        do {
            guard case .launchFlag = try channel.readFrame() else {
                throw ClientError.protocolViolation("\(socketPath): expected the launch flag")
            }
        } catch let e as ChannelError {
            // deinit closes the socket: every stored property is set by now.
            throw ClientError.channel(procedure: "connect", e)
        }
    }

    /// Resolves the format and refuses images that cannot be opened, before qemu says it less clearly.
    static func checked(_ d: Drive) throws -> Drive {
        let fd = open(d.path, d.readOnly ? O_RDONLY : O_RDWR)
        guard fd >= 0 else { throw ClientError.io(call: "open", path: d.path, errno: errno) }
        defer { close(fd) }
        var drive = d
        if drive.format == nil {
            var magic = [UInt8](repeating: 0, count: 4)
            drive.format = read(fd, &magic, 4) == 4 && magic == [0x51, 0x46, 0x49, 0xFB] ? "qcow2" : "raw"
        }
        return drive
    }

    // MARK: calls

    /// Sends one call and returns a decoder positioned at the reply body.
    public func call(_ proc: Procedure, optargs: UInt64 = 0, _ encodeArgs: (inout XDREncoder) -> Void = { _ in }) throws -> XDRDecoder {
        serial &+= 1
        var args = XDREncoder()
        encodeArgs(&args)
        let header = MessageHeader(procedure: proc.number, direction: .call, serial: serial, optargsBitmask: optargs)
        do {
            try channel.writeMessage(header.message(body: args.bytes))
            while true {
                switch try channel.readFrame() {
                case let .progress(p): onProgress?(p)
                case .launchFlag, .cancel: throw ClientError.protocolViolation("unexpected flag word during \(proc.name)")
                case let .message(bytes): return try decodeReply(bytes, proc)
                }
            }
        } catch let e as ChannelError {
            throw failure(proc, e)
        } catch let e as XDRError {
            throw ClientError.protocolViolation("\(proc.name): \(e)")
        }
    }

    /// A FileOut call: the reply, then chunks handed to `sink` until the empty end chunk.
    public func callFileOut(_ proc: Procedure, optargs: UInt64 = 0, _ encodeArgs: (inout XDREncoder) -> Void,
                            sink: ([UInt8]) throws -> Void) throws {
        _ = try call(proc, optargs: optargs, encodeArgs)
        do {
            while true {
                switch try channel.readFrame() {
                case let .progress(p): onProgress?(p)
                case .launchFlag, .cancel: throw ClientError.protocolViolation("unexpected flag word during \(proc.name)")
                case let .message(bytes):
                    let chunk = try Chunk.decode(bytes)
                    if chunk.cancel { throw ClientError.transferCancelled(procedure: proc.name) }
                    if chunk.data.isEmpty { return }
                    try sink(chunk.data)
                }
            }
        } catch let e as ChannelError {
            throw failure(proc, e)
        } catch let e as XDRError {
            throw ClientError.protocolViolation("\(proc.name): \(e)")
        }
    }

    func decodeReply(_ bytes: [UInt8], _ proc: Procedure) throws -> XDRDecoder {
        var d = XDRDecoder(bytes)
        let h = try MessageHeader.decode(from: &d)
        guard h.program == Guestfs.program, h.version == Guestfs.protocolVersion, h.direction == .reply,
              h.serial == serial, h.procedure == proc.number else {
            throw ClientError.protocolViolation("reply does not match call \(proc.name) (serial \(h.serial), procedure \(h.procedure))")
        }
        if h.status == .error {
            let e = try MessageError.decode(from: &d)
            throw ClientError.daemon(procedure: proc.name, errno: e.errnoString, message: e.message)
        }
        return d
    }

    /// A dead channel usually means a dead qemu: report its status and console instead.
    /// Any channel failure leaves the stream out of step, so shutdown will not wait for
    /// a graceful power-off that a wedged daemon would never do.
    func failure(_ proc: Procedure, _ e: ChannelError) -> ClientError {
        channelBroken = true
        if e == .closed, let process {
            // qemu closes its end a moment before it is reaped.
            let deadline = Date().addingTimeInterval(1)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            if !process.isRunning {
                return .qemuExited(status: process.terminationStatus, console: console.tail(waitForEOF: true))
            }
        }
        return .channel(procedure: proc.name, e)
    }

    // MARK: shutdown

    /// Closes the channel (guestd then unmounts, syncs and powers off) and waits for qemu.
    public func shutdown(timeout: Double = 10) {
        guard !closed else { return }
        if serialChannel, !channelBroken {
            // Unmounts and syncs, so stopping qemu (which flushes its own caches on
            // SIGTERM) loses nothing.
            try? internalAutosync()
        }
        closed = true
        close(channel.fd)
        if let process {
            let deadline = Date().addingTimeInterval(channelBroken || serialChannel ? 0 : timeout)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            Self.stop(process)
        }
        watchdog?.release()
        if !tempDir.isEmpty { try? FileManager.default.removeItem(atPath: tempDir) }
    }

    /// The boot as seen from the host: each console line with seconds since qemu started,
    /// then the launch flag. Lines carry the guest's own clocks too (init's since init
    /// started, guestd's since the kernel booted).
    public func timeline() -> [(seconds: Double, event: String)] {
        console.timeline().map { ($0.0.timeIntervalSince(started), $0.1) } + [(bootSeconds, "launch flag received: guestd is serving")]
    }

    /// The console's last lines, for reports.
    public func consoleTail(_ n: Int = 10) -> String { console.tail(n) }

    static func stop(_ p: Process) {
        guard p.isRunning else { return }
        p.terminate()
        let deadline = Date().addingTimeInterval(2)
        while p.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    deinit { shutdown(timeout: 2) }
}
