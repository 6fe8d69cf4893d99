import ArgumentParser
import Foundation
import HostBuilder

/// Options shared by `build` and `run`: what the appliance is built from.
struct BuildSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Kernel image to boot (default: newest /boot/vmlinuz-* with modules; or $APPLIANCE_KERNEL).", valueName: "FILE"))
    var kernel: String?

    @Option(help: ArgumentHelp("Module tree of that kernel (default: /lib/modules/VERSION; or $APPLIANCE_MODULES).", valueName: "DIR"))
    var modules: String?

    /// With `ssh`, the appliance variant whose root holds appliance-sshd and a shell toolset.
    func inputs(ssh: Bool = false) throws -> BuildInputs {
        let choice = try KernelDiscovery.find(kernel: kernel, modules: modules)
        let parts = try Libexec.locate()
        var inputs = BuildInputs(kernel: choice, initBinary: parts.initBinary, guestdBinary: parts.guestd, skeleton: parts.skeleton)
        if ssh {
            guard FileManager.default.isExecutableFile(atPath: parts.sshd) else {
                throw BuildError.notFound(what: parts.sshd, hint: "build it (swift build --product appliance-sshd) or set APPLIANCE_LIBEXEC to the folder holding it")
            }
            inputs.sshdBinary = parts.sshd
        }
        return inputs
    }

    func builder(verbose: Bool = true, ssh: Bool = false) throws -> Builder {
        Builder(inputs: try inputs(ssh: ssh), progress: { line in if verbose { say(line) } })
    }
}

/// Where the guest programs and rootfs-skel are: $APPLIANCE_LIBEXEC, else beside this
/// executable (an installed or built tree), and rootfs-skel also in a parent folder (a
/// source checkout running from .build/).
enum Libexec {
    struct Parts {
        let initBinary: String
        let guestd: String
        let skeleton: String?
        /// appliance-sshd, needed only for the ssh variant.
        let sshd: String
    }

    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Parts {
        let exeDir = ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        let dir = environment["APPLIANCE_LIBEXEC"] ?? (exeDir as NSString).deletingLastPathComponent
        let initBinary = dir + "/init", guestd = dir + "/guestd"
        for p in [initBinary, guestd] where !FileManager.default.isExecutableFile(atPath: p) {
            throw BuildError.notFound(what: p, hint: "build the package (swift build) or set APPLIANCE_LIBEXEC to the folder holding init and guestd")
        }
        var skeleton: String?
        if let s = environment["APPLIANCE_SKEL"] {
            skeleton = s
        } else {
            var d = dir
            for _ in 0 ..< 6 {
                if FileManager.default.fileExists(atPath: d + "/rootfs-skel") { skeleton = d + "/rootfs-skel"; break }
                d = (d as NSString).deletingLastPathComponent
            }
        }
        return Parts(initBinary: initBinary, guestd: guestd, skeleton: skeleton, sshd: dir + "/appliance-sshd")
    }
}
