import Foundation

/// The shell toolset of every root: the host's static busybox, one symlink per applet
/// below, each placed only where the root has no program of that name yet, so the real
/// tar, df, mount or mkfs of HostFiles stay what runs. virt-rescue's shell (guestd's
/// RescueShell) is busybox's ash with these; the ssh variant's sessions use them too;
/// and `debug sh` finds them on PATH.
enum ShellTools {
    static let busybox = "/usr/bin/busybox"
    static let program = HostFiles.Program(path: busybox, package: "busybox-static")

    /// Files, text, processes, network, and what a rescue session needs on top: chroot,
    /// modules, loop devices, power-off.
    static let applets = [
        "[", "ash", "awk", "basename", "blockdev", "cat", "chmod", "chown", "chroot", "clear", "cmp", "cp", "cut", "date", "dd",
        "diff", "dirname", "dmesg", "du", "echo", "env", "expr", "false", "find", "free", "fsfreeze", "grep", "halt", "head",
        "hexdump", "hostname", "id", "ifconfig", "insmod", "ip", "kill", "less", "ln", "losetup", "ls", "lsmod", "lsscsi",
        "md5sum", "mkdir", "mknod", "mktemp", "modinfo", "modprobe", "more", "mount", "mv", "nc", "netstat", "nslookup", "od",
        "ping", "poweroff", "printf", "ps", "pwd", "readlink", "realpath", "reboot", "reset", "rm", "rmdir", "rmmod", "route",
        "sed", "seq", "setsid", "sha256sum", "sleep", "sort", "stat", "strings", "stty", "sync", "tail", "tee", "test",
        "timeout", "top", "touch", "tr", "true", "tty", "umount", "uname", "uniq", "uptime", "vi", "watch", "wc", "wget",
        "which", "xargs", "xxd",
    ]

    /// What the cache key covers besides busybox itself: the layout chosen here.
    static var keyLine: String { "shell \(busybox) " + applets.joined(separator: ",") }

    /// Copies busybox and links the applets; returns how many were linked (0 when the
    /// host has no busybox, which is noted).
    static func copy(into tree: inout StagingTree, progress: @escaping @Sendable (String) -> Void) throws -> Int {
        let summary = try HostFiles(programs: [program], dataFiles: [], dataTrees: [], progress: progress).copy(into: &tree)
        guard summary.missing.isEmpty else { return 0 }
        let dir = (busybox as NSString).deletingLastPathComponent
        var linked = 0
        for applet in applets where try tree.symlinkIfAbsent(dir + "/" + applet, target: "busybox") { linked += 1 }
        return linked
    }
}
