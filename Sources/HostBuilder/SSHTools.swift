import Foundation

/// What `appliance build --ssh` adds to the root: the SSH server, and the host's /bin/sh
/// (dash, already copied for the tool-backed procedures) for its sessions, whose tools
/// are every root's busybox applets (ShellTools).
enum SSHTools {
    /// Where guestd finds the server in the root.
    static let sshdPath = "/usr/sbin/appliance-sshd"
    /// Sessions start in HOME; an empty, read-only /root is enough for a shell.
    static let directories = ["/root"]

    static let programs: [HostFiles.Program] = [
        HostFiles.Program(path: "/bin/sh", package: "dash"),
    ]

    /// virtio-rng, which guestd loads before the server makes its host key (its
    /// dependencies, virtio and virtio_ring, are boot modules, loaded by init).
    static let entropyModule = "/virtio-rng.ko"

    private static func copyEntropyModule(kernel: KernelChoice, into tree: inout StagingTree) throws {
        let dep = try String(contentsOfFile: kernel.modulesDir + "/modules.dep", encoding: .utf8)
        for line in dep.split(separator: "\n") {
            let path = String(line.prefix { $0 != ":" })
            // .ko, .ko.xz or .ko.zst: libkmod reads each.
            guard path.contains(entropyModule) else { continue }
            try tree.copyFile(from: kernel.modulesDir + "/" + path, to: "/lib/modules/\(kernel.version)/" + path, mode: 0o644)
            return
        }
    }

    /// Host files whose change must rebuild the ssh variant.
    static var fingerprintedPaths: [String] { programs.map(\.path) }
    /// What the cache key covers besides those files: the layout chosen here.
    static var keyLine: String { "ssh \(sshdPath) \(entropyModule)" }

    /// Copies the server and the shell, with their libraries.
    static func copy(sshd: String, kernel: KernelChoice, into tree: inout StagingTree, progress: @escaping @Sendable (String) -> Void) throws {
        for dir in directories { try tree.directory(dir, mode: 0o700) }
        try copyEntropyModule(kernel: kernel, into: &tree)
        try tree.copyFile(from: sshd, to: sshdPath, mode: 0o755)
        for lib in try ElfNeeded.closure(of: [sshd]) { try tree.copyHostPathAndLinks(lib) }
        _ = try HostFiles(programs: programs, dataFiles: [], dataTrees: [], progress: progress).copy(into: &tree)
        let size = ((try? FileManager.default.attributesOfItem(atPath: sshd))?[.size] as? Int ?? 0) / 1_048_576
        progress("root: ssh: \(sshdPath) (\(size) MiB), /bin/sh")
    }
}
