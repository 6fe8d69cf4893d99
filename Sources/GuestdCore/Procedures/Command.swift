import Glibc
import GuestProtocol

/// `command`, `command_lines`, `sh` and `sh_lines` (daemon/sh.c): a program of the
/// mounted guest runs chrooted into it with the appliance's /dev, /dev/pts, /proc and
/// /sys bound in and, when the network is on, the appliance's resolv.conf over the
/// guest's. Its stdout is the reply; a non-zero exit is an error carrying its stderr.
/// Words and output are bytes, as the program takes and writes them.
extension Daemon {
    func doCommand(arguments: [ByteString]) throws(CallError) -> ByteString {
        try runGuestCommand(arguments)
    }

    func doCommandLines(arguments: [ByteString]) throws(CallError) -> [ByteString] {
        Daemon.splitLines(try runGuestCommand(arguments))
    }

    // do_sh and do_sh_lines: the same, through the guest's /bin/sh -c.
    func doSh(command: ByteString) throws(CallError) -> ByteString {
        try runGuestCommand(["/bin/sh", "-c", command])
    }

    func doShLines(command: ByteString) throws(CallError) -> [ByteString] {
        Daemon.splitLines(try runGuestCommand(["/bin/sh", "-c", command]))
    }

    /// do_command: its stdout, or its stderr as the error.
    func runGuestCommand(_ argv: [ByteString]) throws(CallError) -> ByteString {
        try needRoot("do_command")
        guard !argv.isEmpty else { throw CallError("passed an empty list") }
        let binds = GuestBinds(sysroot: options.sysroot)
        defer { binds.undo() }
        let result: Subprocess.Result
        do throws(SysError) {
            // Always chrooted, in host test mode too: a test must never run host programs.
            result = try Subprocess.run(argv, root: options.sysroot)
        } catch {
            throw CallError.perror("\(error.call): \(error.path)", error.errno)
        }
        guard result.succeeded else {
            var err = result.err
            if err.last == UInt8(ascii: "\n") { err.removeLast() }
            throw CallError(ByteString(err))
        }
        return ByteString(result.out)
    }

    /// split_lines: one string per line; no empty string for a final newline.
    static func splitLines(_ s: ByteString) -> [ByteString] {
        var lines = s.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { ByteString($0) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// The bind mounts a guest program expects, made for one command and undone after it;
/// each is best-effort, as in the real daemon (a guest without /sys just lacks it).
struct GuestBinds {
    private var mounted: [String] = []
    private var createdResolvConf: String?

    init(sysroot: String) {
        guard getpid() == 1 else { return }  // host test mode runs without a guest root
        for dir in ["/dev", "/dev/pts", "/proc", "/sys"] where mount(dir, sysroot + dir, nil, UInt(MS_BIND), nil) == 0 {
            mounted.append(sysroot + dir)
        }
        // Name resolution inside the guest uses the appliance's DNS server.
        guard access(NetworkSetup.resolvConf, F_OK) == 0 else { return }
        let target = sysroot + "/etc/resolv.conf"
        var st = stat()
        if lstat(target, &st) != 0 {
            let fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return }
            close(fd)
            createdResolvConf = target
        }
        if mount("/etc/resolv.conf", target, nil, UInt(MS_BIND), nil) == 0 {
            mounted.append(target)
            _ = mount(nil, target, nil, UInt(MS_REMOUNT | MS_BIND | MS_RDONLY), nil)
        }
    }

    func undo() {
        for target in mounted.reversed() { _ = umount2(target, 0) }
        if let createdResolvConf { unlink(createdResolvConf) }
    }
}
