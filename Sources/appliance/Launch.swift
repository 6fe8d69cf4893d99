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

    @Option(name: .customShort("a"), help: ArgumentHelp("Attach a disk image; IMAGE:ro attaches it read-only. Repeatable.", valueName: "IMAGE[:ro]"))
    var add: [String] = []

    @Flag(help: "Attach every disk read-only.")
    var ro = false

    @Option(help: "Accelerator: auto tries KVM and falls back to TCG (software) with a notice.")
    var accel: AccelArgument = .auto

    @Option(help: ArgumentHelp("Guest memory.", valueName: "MB"))
    var memory = 512

    @Option(name: .customLong("root-media"), help: "Attach the appliance root as a read-only disk or as a CD-ROM.")
    var rootMedia: RootMediaArgument = .disk

    @Flag(help: "Give the appliance a virtio-net interface on qemu user networking (the host is 10.0.2.2).")
    var network = false

    @Option(help: ArgumentHelp("Put the interface on this existing tap device instead (implies --network).", valueName: "NAME"))
    var tap: String?

    @Option(name: .customLong("network-address"), help: ArgumentHelp("Addressing guestd gives eth0: static (default with user networking: 10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3), or dhcp to ask a DHCP server (guestd's own client; it writes the lease's router and DNS too).", valueName: "ADDR/PREFIX[,gw=GW][,dns=DNS]|dhcp"))
    var networkAddress: NetworkAddressArgument?

    @Option(name: .customLong("state-dir"), help: .hidden)
    var stateDir: String?

    @Flag(help: .hidden)
    var foreground = false

    @OptionGroup var sshOptions: SSHOptions

    @OptionGroup var source: BuildSourceOptions

    func validate() throws {
        guard memory >= 128 else { throw ValidationError("--memory must be at least 128 (MB)") }
        if networkAddress != nil && !network && tap == nil && !sshOptions.ssh { throw ValidationError("--network-address needs --network, --tap or --ssh") }
    }

    func run() {
        do {
            // Built here, so build errors reach the terminal and the background process
            // finds the appliance in the cache.
            let appliance = try source.builder(ssh: sshOptions.ssh).cached()
            if foreground, let stateDir {
                try LaunchedAppliance.serve(appliance: appliance, options: launchOptions(), stateDir: stateDir)
            } else {
                // The key is checked and the port chosen here, so the line printed below
                // is the one the background process forwards.
                let ssh = try sshOptions.access()
                var arguments = Array(CommandLine.arguments.dropFirst())
                if let ssh, sshOptions.sshPort == nil { arguments += ["--ssh-port", String(ssh.hostPort)] }
                let launched = try LaunchedAppliance.spawn(arguments: arguments)
                print("socket: \(launched.socket)")
                print("pid: \(launched.pid)")
                print("log: \(launched.log)")
                if let ssh, tap == nil {
                    print("ssh: \(ssh.commandLine)")
                } else if let ssh, let address = networkAddress?.value?.address {
                    print("ssh: \(ssh.commandLine(guestAddress: address))")
                }
                print("stop: appliance stop \(launched.pid)")
            }
        } catch {
            fail(error)
        }
    }

    func launchOptions() throws -> LaunchOptions {
        var options = LaunchOptions()
        options.drives = add.map { var d = Drive(argument: $0); d.readOnly = d.readOnly || ro; return d }
        options.accel = accel.value
        options.memoryMB = memory
        options.rootMedia = rootMedia.value
        options.stateDirectory = Cache.defaultDirectory()
        if let tap { options.network = .tap(tap) } else if network || sshOptions.ssh { options.network = .user }
        options.networkAddress = networkAddress?.value
        options.networkDHCP = networkAddress?.isDHCP ?? false
        options.ssh = try sshOptions.access()
        return options
    }
}
