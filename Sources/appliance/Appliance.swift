import ArgumentParser
import Foundation

struct ApplianceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appliance",
        abstract: "Boot a tiny Linux VM in about a second to reach into disk images.",
        discussion: """
        The appliance is a kernel, a small initrd and an ext2 root, built once from this \
        host's kernel and cached. `run` boots it with your disk images attached and runs \
        guestfish-style commands against them; `build` just builds it, in libguestfs's \
        fixed-appliance layout, so LIBGUESTFS_PATH=<folder> makes guestfish use it too.

        Examples:
          appliance run -a disk.img -- list-devices : list-partitions
          appliance run -a disk.img:ro -- mount-ro /dev/sda1 / : cat /etc/hostname
          LIBGUESTFS_PATH=$(appliance build) guestfish --ro -a disk.img run : list-devices

        Environment: APPLIANCE_CACHE (cache folder, default /var/tmp/appliance-$UID), \
        APPLIANCE_KERNEL and APPLIANCE_MODULES (kernel and module tree), APPLIANCE_LIBEXEC \
        (folder holding init and guestd, default beside this program).
        """,
        subcommands: [Build.self, Run.self, Launch.self, Stop.self, MkfsExt2.self]
    )
}

@main
enum Main {
    /// ArgumentParser scans the words after `--` once per word (2,000 words take a
    /// second, 6,000 five), so `run`'s command chain is cut off here and handed over whole.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var chain: [String] = []
        if let dash = arguments.firstIndex(of: "--") {
            chain = Array(arguments[(dash + 1)...])
            arguments.removeSubrange((dash + 1)...)
        }
        do {
            var command = try ApplianceCommand.parseAsRoot(arguments)
            if var run = command as? Run {
                run.commands = chain
                command = run
            } else if !chain.isEmpty {
                command = try ApplianceCommand.parseAsRoot(Array(CommandLine.arguments.dropFirst()))
            }
            try command.run()
        } catch {
            ApplianceCommand.exit(withError: error)
        }
    }
}

/// One line on stderr, the way every message of the CLI looks.
func say(_ line: String) {
    FileHandle.standardError.write(Data("appliance: \(line)\n".utf8))
}

/// Prints a one-line error and exits non-zero, instead of ArgumentParser's usage dump.
func fail(_ error: Error) -> Never {
    say("error: \(error)")
    Foundation.exit(1)
}
