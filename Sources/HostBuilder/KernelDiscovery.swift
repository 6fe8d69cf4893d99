import Foundation

/// The host kernel and its module tree that the appliance boots.
public struct KernelChoice: Sendable, Equatable {
    public let kernel: String
    public let modulesDir: String
    /// `uname -r` of that kernel: the modules dir's last component.
    public var version: String { (modulesDir as NSString).lastPathComponent }
}

public enum KernelDiscovery {
    /// `--kernel/--modules` win, then APPLIANCE_KERNEL/APPLIANCE_MODULES, then the newest
    /// /boot/vmlinuz-VERSION that has /lib/modules/VERSION (what supermin does too).
    public static func find(kernel: String? = nil, modules: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            bootDir: String = "/boot", modulesRoot: String = "/lib/modules") throws -> KernelChoice {
        let kernel = kernel ?? environment["APPLIANCE_KERNEL"]
        let modules = modules ?? environment["APPLIANCE_MODULES"]
        let fm = FileManager.default

        if let kernel {
            guard fm.isReadableFile(atPath: kernel) else {
                throw BuildError.notFound(what: "kernel \(kernel)", hint: "give a readable kernel image with --kernel")
            }
            let dir = modules ?? "\(modulesRoot)/\(versionOf(kernelPath: kernel))"
            guard fm.fileExists(atPath: "\(dir)/modules.dep") else {
                throw BuildError.notFound(what: "modules for \(kernel) (\(dir)/modules.dep)",
                                          hint: "name the module tree with --modules DIR")
            }
            return KernelChoice(kernel: kernel, modulesDir: dir)
        }

        let names = (try? fm.contentsOfDirectory(atPath: bootDir)) ?? []
        let candidates = names.filter { $0.hasPrefix("vmlinuz-") }
            .map { String($0.dropFirst("vmlinuz-".count)) }
            .filter { fm.fileExists(atPath: "\(modulesRoot)/\($0)/modules.dep") }
            .sorted { compareVersions($0, $1) }
        guard let newest = candidates.last else {
            throw BuildError.notFound(what: "a kernel: no \(bootDir)/vmlinuz-VERSION with \(modulesRoot)/VERSION",
                                      hint: "install one (apt-get install linux-image-amd64) or pass --kernel and --modules")
        }
        let dir = modules ?? "\(modulesRoot)/\(newest)"
        return KernelChoice(kernel: "\(bootDir)/vmlinuz-\(newest)", modulesDir: dir)
    }

    static func versionOf(kernelPath: String) -> String {
        let base = (kernelPath as NSString).lastPathComponent
        return base.hasPrefix("vmlinuz-") ? String(base.dropFirst(8)) : base
    }

    /// Orders "6.1.0-9-amd64" before "6.1.0-10-amd64": numeric runs compare as numbers.
    static func compareVersions(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: .numeric) == .orderedAscending
    }
}
