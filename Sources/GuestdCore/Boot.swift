import Glibc

/// What PID 1 must do for itself: the API filesystems, an environment, zombie reaping
/// and, at the end, power-off (an exiting PID 1 panics the kernel).
enum Boot {
    private struct APIMount {
        let source: String, target: String, type: String
        let flags: UInt
        let data: String?
    }

    private static let mounts: [APIMount] = [
        APIMount(source: "proc", target: "/proc", type: "proc", flags: UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC), data: nil),
        APIMount(source: "sysfs", target: "/sys", type: "sysfs", flags: UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC), data: nil),
        APIMount(source: "devtmpfs", target: "/dev", type: "devtmpfs", flags: UInt(MS_NOSUID), data: "mode=0755"),
        APIMount(source: "devpts", target: "/dev/pts", type: "devpts", flags: UInt(MS_NOSUID | MS_NOEXEC), data: "gid=5,mode=620,ptmxmode=000"),
        APIMount(source: "tmpfs", target: "/tmp", type: "tmpfs", flags: UInt(MS_NOSUID | MS_NODEV), data: "mode=1777"),
        // lvm's locks (/run/lock/lvm), the network's resolv.conf.
        APIMount(source: "tmpfs", target: "/run", type: "tmpfs", flags: UInt(MS_NOSUID | MS_NODEV), data: "mode=0755"),
    ]

    /// Mounts what is not mounted yet. init may have moved /dev, /proc and /sys here
    /// already, so a target that is already a mount point is left alone. Failures are
    /// reported and survived: the daemon may still serve most calls.
    static func setUp(sysroot: String, console: Console) {
        _ = chdir("/")
        umask(0o022)
        setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1)
        setenv("LC_ALL", "C", 1)
        setenv("TERM", "dumb", 1)
        for m in mounts {
            if isMountPoint(m.target) { continue }
            _ = mkdir(m.target, 0o755)  // /dev/pts on a fresh devtmpfs; EEXIST otherwise
            let r = m.target.withCString { t in
                if let data = m.data {
                    return data.withCString { mount(m.source, t, m.type, m.flags, $0) }
                }
                return mount(m.source, t, m.type, m.flags, nil)
            }
            if r != 0 && errno != EBUSY {
                console.fatal("\(SysError("mount", m.target))")
            }
        }
        if mkdir(sysroot, 0o755) != 0 && errno != EEXIST {
            console.fatal("\(SysError("mkdir", sysroot)) (the appliance root must contain \(sysroot))")
        }
    }

    /// A directory on another device than its parent is a mount point. (A bind mount
    /// of the same filesystem would fool this; the API filesystems never share one.)
    static func isMountPoint(_ path: String) -> Bool {
        var st = stat(), parent = stat()
        guard stat(path, &st) == 0, stat(path + "/..", &parent) == 0 else { return false }
        return st.st_dev != parent.st_dev
    }

    /// PID 1 inherits every orphan; collect the exited ones so none stays a zombie. The
    /// rescue shell's exit ends the appliance.
    static func reapChildren() {
        var status: Int32 = 0
        while true {
            let child = waitpid(-1, &status, WNOHANG)
            guard child > 0 else { break }
            RescueShell.reaped(child)
        }
    }

    /// The end of the appliance: flush and power off. Never returns.
    static func powerOff(console: Console) -> Never {
        sync()
        // Glibc's Swift module leaves out <sys/reboot.h>; reboot(2)'s libc wrapper is
        // found by name instead. 0x4321fedc is RB_POWER_OFF (LINUX_REBOOT_CMD_POWER_OFF).
        typealias RebootFunction = @convention(c) (Int32) -> Int32
        if let symbol = dlsym(nil, "reboot") {
            _ = unsafeBitCast(symbol, to: RebootFunction.self)(Int32(bitPattern: 0x4321_FEDC))
        }
        // reboot only fails without CAP_SYS_BOOT; PID 1 must still not exit.
        console.fatal("\(SysError("reboot", "RB_POWER_OFF"))")
        while true { pause() }
    }
}
