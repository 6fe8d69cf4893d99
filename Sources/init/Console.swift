// Console output. Every line is one write(2) to fd 2, which is /dev/console: the kernel
// opens it for init when the initramfs has /dev/console, and Console.attach() does it
// otherwise. Progress lines carry the time since init started; failures always print.
import CInit

struct Console {
    /// Progress lines are dropped when `quiet` is on the kernel command line.
    var quiet = false
    /// CLOCK_MONOTONIC when init started, for the "0.123s" stamps.
    let startNanoseconds: Int64

    @export(interface) init() {
        startNanoseconds = cinit_monotonic_ns()
    }

    /// Makes sure fds 0, 1 and 2 exist, opening /dev/console for the missing ones, so that
    /// our messages and those of the root's /init reach the console.
    /// Needs /dev mounted when the initramfs carries no /dev/console node.
    @export(interface) func attach() {
        if cinit_fd_is_open(0) != 0 && cinit_fd_is_open(1) != 0 && cinit_fd_is_open(2) != 0 { return }
        let fd = cinit_open_console("/dev/console")
        if fd < 0 { return }  // nowhere to print to; carry on silently
        var keep = false
        for target: Int32 in 0...2 where cinit_fd_is_open(target) == 0 {
            if target == fd { keep = true } else { _ = cinit_dup2(fd, target) }
        }
        if !keep { _ = cinit_close(fd) }
    }

    /// Seconds since init started, as "1.234s".
    var elapsed: String {
        @export(interface) get {
            let ms = (cinit_monotonic_ns() - startNanoseconds) / 1_000_000
            let fraction = ms % 1000
            let padding = fraction < 10 ? "00" : fraction < 100 ? "0" : ""
            return "\(ms / 1000).\(padding)\(fraction)s"
        }
    }

    /// A progress line, unless quiet: "init: 0.123s <message>".
    @export(interface) func progress(_ message: String) {
        if !quiet { Console.write("init: \(elapsed) \(message)\n") }
    }

    /// A problem init survives (a module that did not load): always printed.
    @export(interface) func warning(_ message: String) {
        Console.write("init: warning: \(message)\n")
    }

    /// The end of the road: one line saying what failed, then power off. PID 1 must never
    /// return (the kernel would panic) nor hang (the host would wait for nothing).
    @export(interface) func fail(_ message: String) -> Never {
        Console.write("init: error: \(message)\n")
        cinit_poweroff()
    }

    @export(interface) static func write(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            _ = cinit_write(2, bytes.baseAddress, bytes.count)
        }
    }
}
