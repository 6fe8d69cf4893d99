import Glibc
import GuestProtocol

/// `debug progress` and `debug binaries` (daemon/debug.c of libguestfs 1.48).
extension Daemon {
    /// progress SECS [RATE]: SECS seconds of progress messages, rate-limited ten a
    /// second, or one every RATE microseconds without the limit.
    func debugProgress(_ args: [String]) throws(CallError) {
        let usage = CallError("progress: expecting one or more args: time in seconds [, rate in microseconds]")
        guard let first = args.first, let secs = Daemon.scanUnsigned(first) else { throw usage }
        guard secs != 0, secs <= 1_000_000 else { throw CallError("progress: argument is 0, less than 0, or too large") }
        var rate: UInt64 = 0
        if args.count >= 2 {
            guard let r = Daemon.scanUnsigned(args[1]) else { throw usage }
            guard r != 0, r <= 1_000_000 else { throw CallError("progress: rate is 0 or too large") }
            rate = r
        }
        // Up to and including the limit, so the last message says 100%.
        if rate == 0 {
            let tenths = secs * 10
            for i in 1 ... tenths {
                usleep(100_000)
                try? progress.notify(position: i, total: tenths)
            }
        } else {
            let usecs = secs * 1_000_000
            for i in stride(from: rate, through: usecs, by: Int(rate)) {
                usleep(UInt32(rate))
                try? progress.notifyNow(position: i, total: usecs)
            }
        }
    }

    /// sscanf's %SCNu64: leading blanks, a sign (a minus wraps around, as strtoull
    /// does), digits; what follows is ignored. nil without a digit.
    static func scanUnsigned(_ s: String) -> UInt64? {
        var rest = Substring(s).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        var negative = false
        if let sign = rest.first, sign == "+" || sign == "-" { negative = sign == "-"; rest = rest.dropFirst() }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let value = UInt64(digits) ?? UInt64.max
        return negative ? 0 &- value : value
    }

    /// binaries: `find / -xdev -type f -executable | xargs file -i | grep
    /// application/x-executable`: the root filesystem's executable files whose ELF type
    /// is ET_EXEC (not position-independent), in find's order, one a line.
    static func nonPIEExecutables() -> ByteString {
        var out: [UInt8] = []
        var root = stat()
        guard stat("/", &root) == 0 else { return "" }
        let top = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard top >= 0 else { return "" }
        defer { close(top) }
        func visit(_ dir: Int32, _ prefix: ByteString) {
            guard let names = try? Tree.entries(dir, prefix) else { return }
            for name in names {
                var st = stat()
                guard fstatat(dir, name.cString, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                let path = prefix + name
                if st.st_mode & S_IFMT == S_IFDIR {
                    guard st.st_dev == root.st_dev else { continue }
                    let child = openat(dir, name.cString, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    guard child >= 0 else { continue }
                    visit(child, path + "/")
                    close(child)
                } else if st.st_mode & S_IFMT == S_IFREG, st.st_mode & 0o111 != 0, isExecutableELF(dir, name) {
                    out += path.bytes + [10]
                }
            }
        }
        visit(top, "/")
        return ByteString(out)
    }

    /// An ELF file of type ET_EXEC (e_type, bytes 16–17, in the file's byte order).
    private static func isExecutableELF(_ dir: Int32, _ name: ByteString) -> Bool {
        let fd = openat(dir, name.cString, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 18)
        guard read(fd, &head, head.count) == head.count, head[0 ..< 4] == [0x7f, 0x45, 0x4c, 0x46] else { return false }
        let type = head[5] == 2 ? UInt16(head[16]) << 8 | UInt16(head[17]) : UInt16(head[17]) << 8 | UInt16(head[16])
        return type == 2
    }
}
