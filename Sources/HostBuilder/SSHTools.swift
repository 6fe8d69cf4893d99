import Foundation

/// What `appliance build --ssh` adds to the root: the SSH server and a shell toolset
/// for its sessions. The shell is the host's /bin/sh (dash, already copied for the
/// tool-backed procedures); the tools are the host's static busybox, one symlink per
/// applet below, each placed only where the root has no program of that name yet, so
/// the real tar, df or mkfs of HostFiles stay what sessions run.
enum SSHTools {
    /// Where guestd finds the server in the root.
    static let sshdPath = "/usr/sbin/appliance-sshd"
    static let busybox = "/usr/bin/busybox"
    /// Sessions start in HOME; an empty, read-only /root is enough for a shell.
    static let directories = ["/root"]

    static let programs: [HostFiles.Program] = [
        HostFiles.Program(path: "/bin/sh", package: "dash"),
        HostFiles.Program(path: busybox, package: "busybox-static"),
    ]

    /// busybox applets a shell session expects: files, text, processes, network.
    static let applets = [
        "[", "awk", "basename", "cat", "chmod", "chown", "clear", "cmp", "cp", "cut", "date", "dd", "diff", "dirname",
        "dmesg", "du", "echo", "env", "expr", "false", "find", "free", "grep", "head", "hexdump", "hostname", "id",
        "ifconfig", "ip", "kill", "less", "ln", "ls", "lsmod", "md5sum", "mkdir", "mknod", "mktemp", "more", "mount",
        "mv", "nc", "netstat", "nslookup", "od", "ping", "printf", "ps", "pwd", "readlink", "realpath", "reset", "rm",
        "rmdir", "route", "sed", "seq", "sha256sum", "sleep", "sort", "stat", "stty", "sync", "tail", "tee", "test",
        "timeout", "top", "touch", "tr", "true", "tty", "umount", "uname", "uniq", "uptime", "vi", "watch", "wc", "wget",
        "which", "xargs", "xxd",
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
    static var keyLine: String { "ssh \(sshdPath) \(entropyModule) " + applets.joined(separator: ",") }

    /// Copies the server, the shell and busybox (with their libraries) and links the applets.
    static func copy(sshd: String, kernel: KernelChoice, into tree: inout StagingTree, progress: @escaping @Sendable (String) -> Void) throws {
        for dir in directories { try tree.directory(dir, mode: 0o700) }
        try copyEntropyModule(kernel: kernel, into: &tree)
        try tree.copyFile(from: sshd, to: sshdPath, mode: 0o755)
        for lib in try ElfNeeded.closure(of: [sshd]) { try tree.copyHostPathAndLinks(lib) }
        let summary = try HostFiles(programs: programs, dataFiles: [], dataTrees: [], progress: progress).copy(into: &tree)
        var linked = 0
        if !summary.missing.contains(where: { $0.path == busybox }) {
            let dir = (busybox as NSString).deletingLastPathComponent
            for applet in applets {
                if try tree.symlinkIfAbsent(dir + "/" + applet, target: "busybox") { linked += 1 }
            }
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: sshd))?[.size] as? Int ?? 0) / 1_048_576
        progress("root: ssh: \(sshdPath) (\(size) MiB), /bin/sh, busybox with \(linked) applets")
    }
}
