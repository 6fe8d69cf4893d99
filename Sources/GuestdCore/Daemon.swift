import Glibc
import GuestProtocol
import SystemCalls

/// What a procedure answers: a reply body, or (FileOut) an OK reply followed by a
/// stream of chunks the closure writes.
enum Answer {
    case value([UInt8])
    case fileOut((FileOutStream) throws -> Void)

    static var none: Answer { .value([]) }
}

/// The header of a call read word by word, so any value of direction or status can be
/// answered with the real daemon's "unexpected …" error instead of a decode failure.
struct CallHeader {
    var program, version, procedure, direction, serial: UInt32
    var progressHint, optargsBitmask: UInt64
    var status: UInt32

    init(from d: inout XDRDecoder) throws {
        program = try d.u32(); version = try d.u32(); procedure = try d.u32()
        direction = try d.u32(); serial = try d.u32()
        progressHint = try d.u64(); optargsBitmask = try d.u64()
        status = try d.u32()
    }
}

/// The main loop of proto.c: read a call, check its header, dispatch, reply.
final class Daemon {
    enum Stop: Error {
        case closed
        case protocolError(String)
        case channelError(String)
    }

    let channel: FrameChannel
    let options: Options
    let console: Console
    let sysroot: Sysroot
    let mounts: Mounts
    let devices: Devices
    let modules: ModuleLoader
    let storage: StorageActivation
    let progress: ProgressNotifier
    /// journal_open's journal, open until journal_close.
    let journal = Journal()
    /// inotify_init's handle, open until inotify_close.
    let inotify = InotifyHandle()
    /// yara_load's rules, kept until replaced or destroyed.
    let yara = YaraRules()
    /// What the last inspect_os found (Inspect_types.inspect_fses); empty before.
    var inspected: [InspectedFilesystem] = []

    init(channel: FrameChannel, options: Options, console: Console) {
        self.channel = channel
        self.options = options
        self.console = console
        sysroot = Sysroot(path: options.sysroot)
        mounts = Mounts(sysroot: options.sysroot)
        devices = Devices(sysfs: options.sysfs, dev: options.dev)
        modules = ModuleLoader(console: console)
        storage = StorageActivation()
        progress = ProgressNotifier(channel: channel)
    }

    /// Serves calls until the channel closes or the protocol breaks; returns why.
    func serve() -> Stop {
        while true {
            if options.isPID1 { awaitCall() }
            do {
                switch try channel.readFrame() {
                case .cancel:
                    continue  // a cancel that arrived after its transfer ended
                case .launchFlag:
                    return .protocolError("incoming message is too long (\(Guestfs.launchFlag) bytes)")
                case .progress:
                    return .protocolError("incoming message is too long (\(Guestfs.progressFlag) bytes)")
                case let .message(bytes):
                    try handle(bytes)
                }
            } catch let stop as Stop {
                return stop
            } catch ChannelError.closed {
                return .closed
            } catch let ChannelError.tooLong(n) {
                return .protocolError("incoming message is too long (\(n) bytes)")
            } catch {
                return .channelError("\(error)")
            }
        }
    }

    /// PID 1 inherits every orphan (an ssh session's background jobs, a tool's leftover
    /// children): before each call and each second while the channel is idle, it
    /// collects the exited ones. A signal (the rescue shell's poweroff) interrupts the
    /// wait, not ends it.
    private func awaitCall() {
        var p = pollfd(fd: channel.fd, events: Int16(POLLIN), revents: 0)
        while true {
            Boot.reapChildren()
            // EINTR (a signal) waits on; any other error is the next read's to report.
            let n = poll(&p, 1, 1000)
            if n > 0 || (n < 0 && errno != EINTR) { return }
        }
    }

    private func handle(_ bytes: [UInt8]) throws {
        var d = XDRDecoder(bytes)
        guard let h = try? CallHeader(from: &d) else { throw Stop.protocolError("could not decode message header") }
        progress.start(procedure: h.procedure, serial: h.serial)
        let proc = Procedure.numbered(h.procedure)
        // A FileIn call's chunks follow it: whatever fails must first cancel them.
        let fileIn = proc?.fileIn == true && Daemon.headerIsValid(h)
            ? FileInReceiver(channel: channel, progress: progress, progressHint: h.progressHint) : nil
        let answer: Answer
        do throws(CallError) {
            try check(h)
            console.debug("<= proc \(h.procedure) serial \(h.serial), \(bytes.count) bytes")
            guard let proc else { throw unknownProcedure(h.procedure) }
            if options.isPID1 { storage.refresh(devices: devices, modules: modules, console: console) }
            answer = try dispatch(h, proc, &d, fileIn: fileIn)
            try fileIn?.cancel()  // a handler that succeeded without reading the file
        } catch {
            if let fatal = fileIn?.fatal { throw fatal }
            do throws(CallError) { try fileIn?.cancel() } catch { if let fatal = fileIn?.fatal { throw fatal } }
            try sendError(error, h)
            return
        }
        switch answer {
        case let .value(body):
            do {
                try channel.writeMessage(replyHeader(h, .ok).message(body: body))
            } catch ChannelError.tooLong {
                try sendError(CallError("guestfsd: failed to encode reply body\n(maybe the reply exceeds the maximum message size in the protocol?)"), h)
            }
        case let .fileOut(stream):
            try channel.writeMessage(replyHeader(h, .ok).message())
            do {
                try stream(FileOutStream(channel: channel, progress: progress))
            } catch FileOutStream.Outcome.cancelledByLibrary {
                console.debug("transfer cancelled by the library")
            }
        }
    }

    static func headerIsValid(_ h: CallHeader) -> Bool {
        h.program == Guestfs.program && h.version == Guestfs.protocolVersion
            && h.direction == Direction.call.rawValue && h.status == Status.ok.rawValue
    }

    /// The header checks of main_loop, with its texts.
    private func check(_ h: CallHeader) throws(CallError) {
        if h.program != Guestfs.program { throw CallError("wrong program (\(h.program))") }
        if h.version != Guestfs.protocolVersion { throw CallError("wrong protocol version (\(h.version))") }
        if h.direction != Direction.call.rawValue { throw CallError("unexpected message direction (\(Int32(bitPattern: h.direction)))") }
        if h.status != Status.ok.rawValue { throw CallError("unexpected message status (\(Int32(bitPattern: h.status)))") }
    }

    private func replyHeader(_ h: CallHeader, _ status: Status) -> MessageHeader {
        MessageHeader(procedure: h.procedure, direction: .reply, serial: h.serial, status: status)
    }

    /// send_error: the reply with status error, carrying the errno's name if any. Handlers
    /// and the tools they run name the appliance's device nodes; every /dev name in the
    /// text becomes the caller's here, once (a second pass would move a name again when
    /// the kernel numbered the disks in another order); a stub's refusal of a caller's
    /// name is in the caller's terms already.
    private func sendError(_ error: CallError, _ h: CallHeader) throws {
        let message = error.namesCallersDevices ? error.message : devices.reverseNames(in: error.message)
        if !console.quiet { Console.write("error: \(message)") }
        var e = XDREncoder()
        MessageError(errnoString: error.errno > 0 ? ErrnoName.name(error.errno) : "", message: message).encode(into: &e)
        try channel.writeMessage(replyHeader(h, .error).message(body: e.bytes))
    }
}
