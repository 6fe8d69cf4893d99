import Glibc

/// The master side of a new pseudo-terminal and the path of its slave, as OpenSSH's
/// sshd allocates one for a session that sent pty-req.
struct PseudoTerminal {
    let master: Int32
    let slavePath: String

    /// posix_openpt, grantpt, unlockpt and ptsname as glibc does them on Linux (Glibc's
    /// Swift module leaves those four out): open /dev/ptmx, clear the lock with
    /// TIOCSPTLCK, ask the slave's number with TIOCGPTN. grantpt has nothing to do
    /// on devpts, which creates the slave owned by the caller.
    static func open(columns: Int, rows: Int, pixelWidth: Int, pixelHeight: Int) throws(SSHDError) -> PseudoTerminal {
        let TIOCGPTN: UInt = 0x8004_5430, TIOCSPTLCK: UInt = 0x4004_5431
        let master = Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw SSHDError("open", "/dev/ptmx") }
        var unlock: Int32 = 0, number: UInt32 = 0
        guard ioctl(master, TIOCSPTLCK, &unlock) == 0 else {
            let e = errno; close(master); throw SSHDError("ioctl TIOCSPTLCK", "/dev/ptmx", errno: e)
        }
        guard ioctl(master, TIOCGPTN, &number) == 0 else {
            let e = errno; close(master); throw SSHDError("ioctl TIOCGPTN", "/dev/ptmx", errno: e)
        }
        let pty = PseudoTerminal(master: master, slavePath: "/dev/pts/\(number)")
        resize(master: master, columns: columns, rows: rows, pixelWidth: pixelWidth, pixelHeight: pixelHeight)
        return pty
    }

    /// TIOCSWINSZ on the master; the kernel sends SIGWINCH to the terminal's foreground group.
    static func resize(master: Int32, columns: Int, rows: Int, pixelWidth: Int, pixelHeight: Int) {
        var size = winsize(ws_row: UInt16(clamping: rows), ws_col: UInt16(clamping: columns),
                           ws_xpixel: UInt16(clamping: pixelWidth), ws_ypixel: UInt16(clamping: pixelHeight))
        let TIOCSWINSZ: UInt = 0x5414  // <asm-generic/ioctls.h>; not in Glibc's Swift module
        if ioctl(master, TIOCSWINSZ, &size) != 0 { log("\(SSHDError("ioctl TIOCSWINSZ", "pty master"))") }
    }
}
