import ApplianceKernelWords
import NIOSSH

/// `appliance-sshd --authorized-key TYPE:BASE64 [--port N] [--ready-fd FD]`, as guestd
/// starts it from the kernel command line's `appliance.ssh=TYPE:BASE64` (a word of the
/// command line cannot hold the space of an OpenSSH key line, so a colon stands for it).
struct Arguments {
    var authorizedKey: NIOSSHPublicKey
    var port = 22
    /// Written "ready\n" and closed once the port listens, so guestd can wait for it.
    var readyFD: Int32?

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static let usage = "usage: appliance-sshd --authorized-key TYPE:BASE64 [--port N] [--ready-fd FD]"

    static func parse(_ args: [String]) throws -> Arguments {
        var key: NIOSSHPublicKey?
        var port = 22
        var readyFD: Int32?
        var i = 0
        while i < args.count {
            let flag = args[i]
            guard i + 1 < args.count else { throw UsageError(description: "\(flag) needs a value (\(usage))") }
            let value = args[i + 1]
            switch flag {
            case "--authorized-key":
                // The kernel word's TYPE:BASE64; a key line with its space is taken as it is.
                let line = value.contains(" ") ? value : SSHPublicKey(argument: value)?.openSSHLine ?? value
                do { key = try NIOSSHPublicKey(openSSHPublicKey: line) } catch {
                    throw UsageError(description: "--authorized-key \(value): not an ed25519 or ECDSA public key (\(error))")
                }
            case "--port":
                guard let p = Int(value), (1...65535).contains(p) else { throw UsageError(description: "--port \(value): not a port number") }
                port = p
            case "--ready-fd":
                guard let fd = Int32(value), fd > 2 else { throw UsageError(description: "--ready-fd \(value): not a descriptor above 2") }
                readyFD = fd
            default:
                throw UsageError(description: "unknown option \(flag) (\(usage))")
            }
            i += 2
        }
        guard let key else { throw UsageError(description: "no --authorized-key (\(usage))") }
        return Arguments(authorizedKey: key, port: port, readyFD: readyFD)
    }
}
