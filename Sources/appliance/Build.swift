import ArgumentParser
import Foundation
import HostBuilder

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the appliance (or find it in the cache) and print its folder.",
        discussion: """
        The folder holds kernel, initrd, root and README.fixed: libguestfs's fixed-appliance \
        layout. Without --output it lives in the cache and is rebuilt only when an input \
        (kernel, modules, init, guestd, rootfs-skel) changes.
        """
    )

    @OptionGroup var source: BuildSourceOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the appliance to this folder instead of the cache.", valueName: "DIR"))
    var output: String?

    @Flag(help: "Rebuild even if an up-to-date appliance exists.")
    var force = false

    func run() {
        do {
            let builder = try source.builder()
            let appliance: Appliance
            if let output {
                appliance = try builder.build(into: output, force: force)
            } else {
                appliance = try builder.cached(force: force)
            }
            print(appliance.directory)
        } catch {
            fail(error)
        }
    }
}
