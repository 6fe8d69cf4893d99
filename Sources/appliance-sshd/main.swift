import Crypto
import Glibc
import NIOCore
import NIOPosix
import NIOSSH

/// appliance-sshd: the appliance's SSH server, started by guestd when the kernel
/// command line has `appliance.ssh=TYPE:BASE64`. A host key made fresh at each launch
/// (nothing to leak or reuse across appliances), root only, one public key only, exec
/// and shell sessions with or without a pty. Port forwarding and sftp are not offered.
let arguments: Arguments
do {
    arguments = try Arguments.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    log("\(error)")
    exit(2)
}
signal(SIGPIPE, SIG_IGN)
if chdir("/root") != 0 { _ = chdir("/") }

let hostKey = NIOSSHPrivateKey(ed25519Key: Curve25519.Signing.PrivateKey())
let authorizer = PublicKeyAuthorizer(authorizedKey: arguments.authorizedKey)

/// A connection-level error (a client that leaves mid-handshake, a bad packet): logged, and that connection closed.
final class ConnectionErrorHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        log("connection: \(error)")
        context.close(promise: nil)
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            let ssh = NIOSSHHandler(
                role: .server(.init(hostKeys: [hostKey], userAuthDelegate: authorizer)),
                allocator: channel.allocator,
                inboundChildChannelInitializer: { child, type in
                    guard case .session = type else {
                        return child.eventLoop.makeFailedFuture(SSHDError("open channel", "\(type)", errno: EPERM))
                    }
                    return child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(SessionHandler()) }
                })
            try channel.pipeline.syncOperations.addHandlers([ssh, ConnectionErrorHandler()])
        }
    }

let server: Channel
do {
    server = try bootstrap.bind(host: "0.0.0.0", port: arguments.port).wait()
} catch {
    log("cannot listen on port \(arguments.port): \(error)")
    exit(1)
}
log("listening on port \(arguments.port); host key \(String(openSSHPublicKey: hostKey.publicKey))")
if let fd = arguments.readyFD {
    _ = "ready\n".withCString { write(fd, $0, 6) }
    close(fd)
}
try? server.closeFuture.wait()
