import ApplianceClient
import ArgumentParser
import Foundation
import HostBuilder

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot the appliance with disk images attached and run commands against them.",
        discussion: """
        Commands follow `--`, separated by `:`, with guestfish's names and output:
        \(Command.all.map(Run.helpLine).joined(separator: "\n"))

        Disks appear as /dev/sda, /dev/sdb, … in the order given. The VM is shut down when \
        the commands finish; the first failing command stops the chain and sets exit status 1.

        The appliance is restored from a saved state in the cache when there is one for \
        this configuration (the first launch boots it and saves it); --no-snapshot boots cold.
        """
    )

    /// One command of the help's table: its synopsis and summary on one 79-column line
    /// when they fit (help is wrapped at 80), else the summary indented on the next.
    static func helpLine(_ c: Command) -> String {
        let synopsis = "  " + ([c.name] + c.parameters).joined(separator: " ")
        if synopsis.count < 40, 40 + c.summary.count <= 79 {
            return synopsis.padding(toLength: 40, withPad: " ", startingAt: 0) + c.summary
        }
        return synopsis + "\n      " + c.summary
    }

    @OptionGroup var vm: VMOptions

    @Flag(name: .shortAndLong, help: "Stream the VM's console to stderr and report the boot time.")
    var verbose = false

    @Flag(help: "Print a boot timeline on stderr: qemu start, init's steps, each module, root mounted, guestd serving, each command.")
    var timings = false

    @Option(help: ArgumentHelp("Give up on a call that gets no answer for this long (a wedged appliance).", valueName: "SECONDS"))
    var timeout: Double = 600

    @Option(help: ArgumentHelp("Use the appliance `appliance launch` keeps running behind this socket instead of booting one; it stays running, with its mounts, after the commands.", valueName: "SOCKET"))
    var connect: String?

    @OptionGroup var source: BuildSourceOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("Commands, after --: CMD ARGS [: CMD ARGS]…", valueName: "command"))
    var commands: [String] = []

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
        if connect != nil && vm.choseDisksOrNetwork {
            throw ValidationError("--connect uses a launched appliance: its disks and network were chosen by appliance launch")
        }
    }

    func run() {
        do {
            let chain = try Command.parseChain(commands)
            if let connect { return try runConnected(to: connect, chain) }
            let appliance = try source.builder(ssh: vm.sshOptions.ssh).cached()
            var options = try vm.launchOptions()
            options.verbose = verbose
            options.timings = timings
            options.callTimeout = timeout

            let session = try Session.launch(appliance: appliance, options: options)
            if verbose {
                let how = session.warmStarted ? "restored from its saved state" : session.savedState ? "booted, state saved" : "booted"
                say(String(format: "appliance ready in %.2f s (%@, %@)", session.bootSeconds, session.usedKVM ? "KVM" : "TCG", how))
            }
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
