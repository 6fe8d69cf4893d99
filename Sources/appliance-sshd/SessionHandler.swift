import Glibc
import NIOCore
import NIOSSH

/// One "session" channel: collects env and pty-req, starts the program on exec or
/// shell, and passes data, EOF, window changes and signals on to it.
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = SSHChannelData

    /// What a login sets; TERM comes from pty-req, LANG and LC_* from env requests.
    private var environment: [String: String] = [
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": "/root", "USER": "root", "LOGNAME": "root", "SHELL": "/bin/sh",
    ]
    private var terminalRequest: SSHChannelRequestEvent.PseudoTerminalRequest?
    private var process: SessionProcess?

    func handlerAdded(context: ChannelHandlerContext) {
        // The client's EOF must arrive as an event, not close the channel: the program
        // may still be writing.
        let set = context.channel.setOption(ChannelOptions.allowRemoteHalfClosure, value: true)
        set.whenFailure { error in log("allowRemoteHalfClosure: \(error)") }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let data = unwrapInboundIn(data)
        guard case .channel = data.type, case let .byteBuffer(bytes) = data.data else { return }
        process?.write(bytes)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let request as SSHChannelRequestEvent.EnvironmentRequest:
            let accepted = request.name == "LANG" || request.name.hasPrefix("LC_")
            if accepted { environment[request.name] = request.value }
            reply(context, request.wantReply, accepted)
        case let request as SSHChannelRequestEvent.PseudoTerminalRequest:
            terminalRequest = request
            environment["TERM"] = request.term
            reply(context, request.wantReply, process == nil)
        case let request as SSHChannelRequestEvent.ShellRequest:
            start(context, command: nil, wantReply: request.wantReply)
        case let request as SSHChannelRequestEvent.ExecRequest:
            start(context, command: request.command, wantReply: request.wantReply)
        case let request as SSHChannelRequestEvent.WindowChangeRequest:
            process?.resize(columns: request.terminalCharacterWidth, rows: request.terminalRowHeight,
                            pixelWidth: request.terminalPixelWidth, pixelHeight: request.terminalPixelHeight)
        case let request as SSHChannelRequestEvent.SignalRequest:
            if let number = SignalNames.number(of: request.signal) { process?.signal(number) }
        case let request as SSHChannelRequestEvent.SubsystemRequest:
            reply(context, request.wantReply, false)  // no sftp
        case let event as ChannelEvent where event == .inputClosed:
            process?.endInput()
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// The client went away first: hang up on the program, as a closing terminal does.
    func channelInactive(context: ChannelHandlerContext) {
        process?.signal(SIGHUP)
        context.fireChannelInactive()
    }

    private func start(_ context: ChannelHandlerContext, command: String?, wantReply: Bool) {
        guard process == nil else { return reply(context, wantReply, false) }
        do {
            let terminal = try terminalRequest.map { r throws(SSHDError) in
                try PseudoTerminal.open(columns: r.terminalCharacterWidth, rows: r.terminalRowHeight,
                                        pixelWidth: r.terminalPixelWidth, pixelHeight: r.terminalPixelHeight)
            }
            let env = environment.map { "\($0.key)=\($0.value)" }.sorted()
            let started = try SessionProcess.start(command: command, environment: env, terminal: terminal)
            process = started
            reply(context, wantReply, true)
            started.relay(to: context.channel)
        } catch {
            log("cannot start /bin/sh: \(error)")
            reply(context, wantReply, false)
            context.close(promise: nil)
        }
    }

    private func reply(_ context: ChannelHandlerContext, _ wantReply: Bool, _ ok: Bool) {
        guard wantReply else { return }
        if ok {
            context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil)
        } else {
            context.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil)
        }
    }
}
