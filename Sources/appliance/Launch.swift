import ApplianceClient
import ArgumentParser
import Foundation
import HostBuilder

/// `appliance launch`: boots the appliance in a background process that keeps guestd's
/// channel open and relays it to a unix socket, so clients can come and go.
struct Launch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot the appliance in the background and print how to reach it.",
        discussion: """
        Prints the protocol socket (libguestfs's wire protocol 4: each client that connects \
        first receives the launch flag, then talks to guestd; one client at a time), the pid \
        of the background process and its log, and with --ssh the ssh command line (the \
        guest's port 22 forwarded to 127.0.0.1). `appliance stop PID` unmounts, syncs and \
        powers the appliance off.
        """
    )

    @OptionGroup var vm: VMOptions

    @Option(name: .customLong("state-dir"), help: .hidden)
    var stateDir: String?

    @Flag(help: .hidden)
    var foreground = false

    @OptionGroup var source: BuildSourceOptions

    func run() {
        do {
            // Built here, so build errors reach the terminal and the background process
            // finds the appliance in the cache.
            let appliance = try source.builder(ssh: vm.sshOptions.ssh).cached()
            if foreground, let stateDir {
                try LaunchedAppliance.serve(appliance: appliance, options: vm.launchOptions(), stateDir: stateDir)
            } else {
                // The key is checked and the port chosen here, so the line printed below
                // is the one the background process forwards.
                let ssh = try vm.sshOptions.access()
                var arguments = Array(CommandLine.arguments.dropFirst())
                if let ssh, vm.sshOptions.sshPort == nil { arguments += ["--ssh-port", String(ssh.hostPort)] }
                let launched = try LaunchedAppliance.spawn(arguments: arguments)
                print("socket: \(launched.socket)")
                print("pid: \(launched.pid)")
                print("log: \(launched.log)")
                if let ssh, vm.tap == nil {
                    print("ssh: \(ssh.commandLine)")
                } else if let ssh, let address = vm.networkAddress?.value?.address {
                    print("ssh: \(ssh.commandLine(guestAddress: address))")
                }
                print("stop: appliance stop \(launched.pid)")
            }
        } catch {
            fail(error)
        }
    }
}
