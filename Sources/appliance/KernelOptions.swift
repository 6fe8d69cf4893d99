import ApplianceClient
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
            // A checkout builds only what its first commands need; the SSH server (SwiftNIO,
            // swift-crypto: minutes of compiling) waits until the ssh variant is asked for.
            if !FileManager.default.isExecutableFile(atPath: parts.sshd) { try Libexec.buildInCheckout(parts.sshd) }
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

    /// Builds the product `path` names when it belongs in a package's build folder
    /// (CHECKOUT/.build/TRIPLE/CONFIG/PRODUCT) and that checkout is still there; else
    /// does nothing and the caller reports the missing file.
    static func buildInCheckout(_ path: String) throws {
        let product = (path as NSString).lastPathComponent
        let configDir = (path as NSString).deletingLastPathComponent
        let scratch = ((configDir as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        let checkout = (scratch as NSString).deletingLastPathComponent
        guard (scratch as NSString).lastPathComponent.hasPrefix(".build"),
              FileManager.default.fileExists(atPath: checkout + "/Package.swift"),
              let swift = executablePath("swift") else { return }
        let config = (configDir as NSString).lastPathComponent
        say("building \(product) for the ssh variant (once; a few minutes): swift build -c \(config) --product \(product)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: swift)
        p.arguments = ["build", "-c", config, "--package-path", checkout, "--scratch-path", scratch, "--product", product]
        p.standardOutput = FileHandle.standardError
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BuildError.notFound(what: path, hint: "swift build --product \(product) failed with status \(p.terminationStatus)") }
    }
}
