import ApplianceClient
import ArgumentParser
import Foundation

/// `--ssh`, `--ssh-key`, `--ssh-port` of `run` and `launch`.
struct SSHOptions: ParsableArguments {
    @Flag(help: ArgumentHelp("""
        Start an SSH server in the appliance (implies --network unless --tap): root logs in with \
        your public key only; the host key is new at every launch. Uses the ssh variant of the \
        appliance (appliance build --ssh), which adds the server, /bin/sh and busybox's tools.
        """))
    var ssh = false

    @Option(name: .customLong("ssh-key"), help: ArgumentHelp("""
        The public key allowed to log in (ed25519 or ECDSA; default ~/.ssh/id_ed25519.pub, then \
        ~/.ssh/id_ecdsa.pub). The printed ssh command uses the private key beside it.
        """, valueName: "FILE"))
    var sshKey: String?

    @Option(name: .customLong("ssh-port"), help: ArgumentHelp("Forward this port of 127.0.0.1 to the appliance's port 22 (default: a free port, printed).", valueName: "PORT"))
    var sshPort: UInt16?

    func validate() throws {
        if !ssh && (sshKey != nil || sshPort != nil) { throw ValidationError("--ssh-key and --ssh-port need --ssh") }
    }

    /// The access to give the appliance, or nil without --ssh. Key problems are reported
    /// here, before anything boots.
    func access() throws -> SSHAccess? {
        guard ssh else { return nil }
        let keyFile = try sshKey ?? SSHAccess.defaultKeyFile(home: NSHomeDirectory())
        return try SSHAccess(publicKeyFile: keyFile, hostPort: sshPort ?? SSHAccess.freePort())
    }
}
