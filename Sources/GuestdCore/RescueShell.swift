import Glibc
import SystemCalls

/// virt-rescue's shell. libguestfs's launcher puts guestfs_rescue=1 on the kernel
/// command line; the daemon still serves (virt-rescue mounts the guest with -i or -m
/// through it), and a shell runs on the console, the serial port virt-rescue joins to
/// the user's terminal. The shell has the console as its controlling terminal (its own
/// session), busybox's applets on PATH, and the prompt "><rescue> ". When it exits,
/// the guest is unmounted and synced and the appliance powers off; busybox's halt,
/// poweroff and reboot signal PID 1, which ends the shell to the same effect.
enum RescueShell {
    /// The shell's pid, 0 before it starts.
    nonisolated(unsafe) private(set) static var pid: pid_t = 0
    /// What to do when the shell has exited (main's stop: unmount, sync, power off).
    nonisolated(unsafe) private static var finish: (() -> Never)?
    /// reboot(2), found before any signal handler needs it (dlsym is not safe there).
    nonisolated(unsafe) private static var reboot: (@convention(c) (Int32) -> Int32)?

    static let prompt = "><rescue> "
    static let busybox = "/usr/bin/busybox"

    /// Starts the shell on the kernel's console. Failures are reported and the daemon
    /// serves on, as without the shell.
    static func start(console: Console, finish: @escaping () -> Never) {
        let words = (readSysfsLine("/proc/cmdline", capacity: 4096) ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        // The last console= is /dev/console; its options (",115200n8") are not the name.
        let consoleName = words.last { $0.hasPrefix("console=") }.map { String($0.dropFirst(8).prefix { $0 != "," }) } ?? "ttyS0"
        let tty = "/dev/" + consoleName
        let term = words.last { $0.hasPrefix("TERM=") }.map { String($0.dropFirst(5)) }.flatMap { $0.isEmpty ? nil : $0 } ?? "linux"
        reboot = dlsym(nil, "reboot").map { unsafeBitCast($0, to: (@convention(c) (Int32) -> Int32).self) }
        self.finish = finish
        // busybox's halt, poweroff and reboot: end the shell, whose reaping then unmounts,
        // syncs and powers off as after `exit` (the daemon's idle wait survives the
        // interruption). Before the shell runs, sync and power off at once.
        for sig in [SIGUSR1, SIGUSR2, SIGTERM] {
            signal(sig) { _ in
                if RescueShell.pid > 0 { Glibc.kill(RescueShell.pid, SIGKILL); return }
                sync()
                _ = RescueShell.reboot?(Int32(bitPattern: 0x4321_FEDC))  // RB_POWER_OFF
            }
        }
        banner(tty)
        let hasBusybox = access(busybox, X_OK) == 0
        let argv = hasBusybox ? ["sh"] : ["sh", "-i"]
        let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=\(term)", "HOME=/tmp", "PS1=\(prompt)",
                           "SHELL=/bin/sh", "LC_ALL=C"]
        do {
            pid = try spawn(hasBusybox ? busybox : "/bin/sh", argv: argv, environment: environment, tty: tty)
        } catch {
            console.fatal("rescue: \(error)")
        }
    }

    /// Boot.reapChildren's report of an exited child.
    static func reaped(_ child: pid_t) {
        guard child == pid, pid != 0, let finish else { return }
        pid = 0
        finish()
    }

    /// What the user sees before the first prompt.
    private static func banner(_ tty: String) {
        let fd = open(tty, O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let text = """

            appliance rescue shell
            / is the appliance (read-only, busybox tools); the guest is under /sysroot once
            mounted (virt-rescue -i or -m, or mount it there yourself).
            `exit` or `poweroff` syncs the disks and ends the session.


            """
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }

    /// The shell in a new session whose first open of the tty makes it the controlling
    /// terminal; stdin, stdout and stderr are that tty.
    private static func spawn(_ path: String, argv: [String], environment: [String], tty: String) throws(SysError) -> pid_t {
        var child = ChildProcess(argv, environment: environment)
        child.executable = path
        child.newSession = true
        child.redirections = [.open(tty, flags: O_RDWR, onto: 0), .fd(0, onto: 1), .fd(0, onto: 2)]
        do throws(Errno) { return try child.spawn() } catch { throw SysError("fork", path, errno: error.code) }
    }
}
