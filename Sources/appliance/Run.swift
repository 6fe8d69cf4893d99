import ApplianceClient
import ArgumentParser
import Foundation
import HostBuilder

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot the appliance with disk images attached and run commands against them.",
        discussion: """
        Commands follow `--`, separated by `:`, with guestfish's names and output:
        \(Command.all.map { "  \($0.name)\($0.parameters.map { " " + $0 }.joined())".padding(toLength: 40, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))

        Disks appear as /dev/sda, /dev/sdb, … in the order given. The VM is shut down when \
        the commands finish; the first failing command stops the chain and sets exit status 1.
        """
    )

    @Option(name: .customShort("a"), help: ArgumentHelp("Attach a disk image; IMAGE:ro attaches it read-only. Repeatable.", valueName: "IMAGE[:ro]"))
    var add: [String] = []

    @Flag(help: "Attach every disk read-only: the guest cannot write to them.")
    var ro = false

    @Flag(name: .shortAndLong, help: "Stream the VM's console to stderr and report the boot time.")
    var verbose = false

    @Flag(help: "Print a boot timeline on stderr: qemu start, init's steps, each module, root mounted, guestd serving, each command.")
    var timings = false

    @Option(help: "Accelerator: auto tries KVM and falls back to TCG (software) with a notice.")
    var accel: AccelArgument = .auto

    @Option(help: ArgumentHelp("Guest memory.", valueName: "MB"))
    var memory = 512

    @Option(help: ArgumentHelp("Give up on a call that gets no answer for this long (a wedged appliance).", valueName: "SECONDS"))
    var timeout: Double = 600

    @Option(name: .customLong("root-media"), help: "Attach the appliance root as a read-only disk or as a CD-ROM.")
    var rootMedia: RootMediaArgument = .disk

    @Flag(help: "Give the appliance a virtio-net interface on qemu user networking: the guest is 10.0.2.15, the host 10.0.2.2.")
    var network = false

    @Option(help: ArgumentHelp("Put the interface on this existing tap device instead (implies --network).", valueName: "NAME"))
    var tap: String?

    @Option(name: .customLong("network-address"), help: ArgumentHelp("Addressing guestd gives eth0: static (default with user networking: 10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3), or dhcp to ask a DHCP server (guestd's own client; it writes the lease's router and DNS too).", valueName: "ADDR/PREFIX[,gw=GW][,dns=DNS]|dhcp"))
    var networkAddress: NetworkAddressArgument?

    @Option(help: ArgumentHelp("Use the appliance `appliance launch` keeps running behind this socket instead of booting one; it stays running, with its mounts, after the commands.", valueName: "SOCKET"))
    var connect: String?

    @OptionGroup var sshOptions: SSHOptions

    @OptionGroup var source: BuildSourceOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("Commands, after --: CMD ARGS [: CMD ARGS]…", valueName: "command"))
    var commands: [String] = []

    func validate() throws {
        guard memory >= 128 else { throw ValidationError("--memory must be at least 128 (MB)") }
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
        if networkAddress != nil && !network && tap == nil && !sshOptions.ssh { throw ValidationError("--network-address needs --network, --tap or --ssh") }
        if connect != nil && (!add.isEmpty || network || tap != nil || sshOptions.ssh) {
            throw ValidationError("--connect uses a launched appliance: its disks and network were chosen by appliance launch")
        }
    }

    func run() {
        do {
            let chain = try Command.parseChain(commands)
            if let connect { return try runConnected(to: connect, chain) }
            let builder = try source.builder(ssh: sshOptions.ssh)
            let appliance = try builder.cached()

            var options = LaunchOptions()
            options.drives = add.map { var d = Drive(argument: $0); d.readOnly = d.readOnly || ro; return d }
            options.accel = accel.value
            options.memoryMB = memory
            options.rootMedia = rootMedia.value
            options.verbose = verbose
            options.timings = timings
            options.callTimeout = timeout
            options.stateDirectory = Cache.defaultDirectory()
            if let tap { options.network = .tap(tap) } else if network || sshOptions.ssh { options.network = .user }
            options.networkAddress = networkAddress?.value
            options.networkDHCP = networkAddress?.isDHCP ?? false
            options.ssh = try sshOptions.access()

            let session = try Session.launch(appliance: appliance, options: options)
            if verbose { say(String(format: "appliance ready in %.2f s (%@)", session.bootSeconds, session.usedKVM ? "KVM" : "TCG")) }
            if let ssh = options.ssh, options.network == .user { say("ssh: \(ssh.commandLine)") }
            var timeline = session.timeline()
            var failure: Error?
            for (command, args) in chain {
                do {
                    try command.run(on: session, arguments: args) { FileHandle.standardOutput.write(Data($0.utf8)) }
                } catch {
                    failure = error
                }
                timeline.append((Date().timeIntervalSince(session.started), "\(command.name) done" + (failure == nil ? "" : " (failed)")))
                if failure != nil { break }
            }
            // As guestfish does at close: unmount and sync so writes reach the images.
            if failure == nil { do { try session.internalAutosync() } catch { failure = error } }
            session.shutdown()
            if timings {
                timeline.append((Date().timeIntervalSince(session.started), "qemu exited"))
                say("boot timeline (seconds since qemu started):")
                for (t, event) in timeline { say(String(format: "%7.3f  %@", t, event)) }
            }
            if let failure { fail(failure) }
        } catch {
            fail(error)
        }
    }
}

extension Run {
    /// The chain against a launched appliance: no boot, and at the end only a sync, so
    /// its mounts stay for the next client.
    func runConnected(to socket: String, _ chain: [(Command, [String])]) throws {
        let session = try Session(connectingTo: socket, timeout: timeout)
        defer { session.shutdown() }
        for (command, args) in chain {
            try command.run(on: session, arguments: args) { FileHandle.standardOutput.write(Data($0.utf8)) }
        }
        try session.sync()
    }
}

enum AccelArgument: String, ExpressibleByArgument, CaseIterable {
    case auto, kvm, tcg
    var value: Accel { Accel(rawValue: rawValue)! }
}

enum RootMediaArgument: String, ExpressibleByArgument, CaseIterable {
    case cdrom, disk
    var value: RootMedia { RootMedia(rawValue: rawValue)! }
}

/// `ADDR/PREFIX[,gw=GW][,dns=DNS]`, or `dhcp` (then `value` is nil).
struct NetworkAddressArgument: ExpressibleByArgument {
    let value: NetworkAddress?
    var isDHCP: Bool { value == nil }
    init?(argument: String) {
        if argument == "dhcp" { value = nil; return }
        guard let v = NetworkAddress(argument: argument) else { return nil }
        value = v
    }
}
