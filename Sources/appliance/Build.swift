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

    @Flag(help: "Also put Xen's front-end drivers (xen-blkfront, xen-netfront) in the initrd, to boot as a Xen HVM or PVH guest (README: Xen).")
    var xen = false

    @Flag(help: "Build the ssh variant, cached beside the default one: its root adds appliance-sshd, /bin/sh and busybox's tools for `run --ssh` and `launch --ssh` (README: SSH).")
    var ssh = false

    func run() {
        do {
            var builder = try source.builder(ssh: ssh)
            if xen {
                var inputs = builder.inputs
                inputs.initrdModules += BootModules.xen
                builder = Builder(inputs: inputs, progress: builder.progress)
            }
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
