import Glibc

/// Finding and opening the host channel.
enum Channel {
    /// The virtio-serial port name libguestfs (and our launcher) gives the channel.
    static let portName = "org.libguestfs.channel.0"

    /// Without udev there is no /dev/virtio-ports/NAME link: the port's name is in
    /// /sys/class/virtio-ports/vportNpM/name and its node is /dev/vportNpM.
    static func findPort() -> String? {
        guard let dir = opendir("/sys/class/virtio-ports") else { return nil }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let port = DirEntry.name(entry)
            if port.hasPrefix(".") { continue }
            if readSysfsLine("/sys/class/virtio-ports/\(port)/name") == portName { return "/dev/" + port }
        }
        return nil
    }

    /// Opens the appliance's port, waiting with back-off up to `seconds`: virtio_console
    /// was loaded by init, but the port can appear a little later.
    static func openAppliancePort(waitingUpTo seconds: Double = 10) throws -> (fd: Int32, path: String) {
        var waited = 0.0, delay = 0.005
        while true {
            if let path = findPort() {
                let fd = open(path, O_RDWR | O_CLOEXEC)
                if fd >= 0 { return (fd, path) }
                if errno != ENOENT && errno != ENXIO { throw SysError("open", path) }
            }
            if waited >= seconds { throw SysError("find virtio-serial port", portName, errno: ENOENT) }
            usleep(UInt32(delay * 1_000_000))
            waited += delay
            delay = min(delay * 2, 0.25)
        }
    }

    /// Where guestd serves when the machine has no virtio device and the command line
    /// names no port: the second serial port (the first is the console).
    static let fallbackSerialPort = "ttyS1"

    /// Any virtio device on any transport. With none, no virtio-serial port can appear.
    static func machineHasVirtio(sysfs: String = "/sys") -> Bool {
        !DirEntry.list(sysfs + "/bus/virtio/devices").isEmpty
    }

    /// A 16550 serial port as a byte pipe: raw (no echo, no line discipline, no CR/LF
    /// translation, 8 bits), no flow control, reads returning what has arrived.
    static func openSerial(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw SysError("open", path) }
        var tt = termios()
        guard tcgetattr(fd, &tt) == 0 else {
            let e = errno
            close(fd)
            throw SysError("tcgetattr", path, errno: e)
        }
        cfmakeraw(&tt)
        tt.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
        tt.c_cflag &= ~tcflag_t(CRTSCTS)
        tt.c_cflag |= tcflag_t(CLOCAL | CREAD)
        cfsetispeed(&tt, speed_t(B115200))
        cfsetospeed(&tt, speed_t(B115200))
        withUnsafeMutableBytes(of: &tt.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(fd, TCSANOW, &tt) == 0 else {
            let e = errno
            close(fd)
            throw SysError("tcsetattr", path, errno: e)
        }
        _ = tcflush(fd, TCIOFLUSH)
        return fd
    }

    /// Host test mode: a unix stream socket someone listens on, or a character device.
    static func openHost(_ path: String) throws -> Int32 {
        var st = stat()
        guard stat(path, &st) == 0 else { throw SysError("stat", path) }
        if st.st_mode & S_IFMT != S_IFSOCK {
            let fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY)
            guard fd >= 0 else { throw SysError("open", path) }
            makeRaw(fd)
            return fd
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SysError("socket", path) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            throw SysError("connect", path, errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard r == 0 else {
            let e = errno
            close(fd)
            throw SysError("connect", path, errno: e)
        }
        return fd
    }

    /// A serial-port-like channel would echo and translate bytes; make it raw. Not a
    /// terminal (virtio port, socket) is the normal case and is left alone.
    private static func makeRaw(_ fd: Int32) {
        var tt = termios()
        guard isatty(fd) == 1, tcgetattr(fd, &tt) == 0 else { return }
        cfmakeraw(&tt)
        _ = tcsetattr(fd, TCSANOW, &tt)
    }
}
