import Glibc
import GuestProtocol
import SystemCalls

/// ll: what `ls -la` prints for the directory (daemon/ls.c runs it on the resolved path
/// under the sysroot), produced natively in coreutils' long format, C locale, UTC. Names
/// are printed as their bytes, as ls does when its output is not a terminal. readdir:
/// the entries themselves (daemon/readdir.c).
extension Daemon {
    func doLl(directory: ByteString) throws(CallError) -> ByteString {
        try ll(directory)
    }

    func doReaddir(dir: ByteString) throws(CallError) -> [StructValue] {
        try readdir(dir)
    }

    /// Every entry, "." and ".." too, in readdir order: inode, d_type as a letter and
    /// the name's bytes. One reply, so a directory too big for a message fails as the
    /// real daemon's does.
    private func readdir(_ p: ByteString) throws(CallError) -> [StructValue] {
        let fd: Int32
        do { fd = try sysroot.open(p, flags: O_RDONLY | O_DIRECTORY) } catch { throw CallError.perror("opendir: \(p)", error.errno) }
        guard let dir = fdopendir(fd) else {
            let e = errno
            close(fd)
            throw CallError.perror("opendir: \(p)", e)
        }
        defer { closedir(dir) }
        var entries: [StructValue] = []
        while true {
            errno = 0
            guard let entry = Glibc.readdir(dir) else { break }
            let type = Daemon.typeLetter(entry.pointee.d_type)
            entries.append(StructValue(.dirent, [.int(Int64(bitPattern: UInt64(entry.pointee.d_ino))),
                                                 .int(Int64(type)), .string(DirEntry.rawName(entry))]))
        }
        if errno != 0 { throw CallError.perror("readdir: \(p)", errno) }
        return entries
    }

    private static func typeLetter(_ type: UInt8) -> UInt8 {
        switch Int(type) {
        case Int(DT_BLK): UInt8(ascii: "b")
        case Int(DT_CHR): UInt8(ascii: "c")
        case Int(DT_DIR): UInt8(ascii: "d")
        case Int(DT_FIFO): UInt8(ascii: "f")
        case Int(DT_LNK): UInt8(ascii: "l")
        case Int(DT_REG): UInt8(ascii: "r")
        case Int(DT_SOCK): UInt8(ascii: "s")
        case Int(DT_UNKNOWN): UInt8(ascii: "u")
        default: UInt8(ascii: "?")
        }
    }

    private func ll(_ p: ByteString) throws(CallError) -> ByteString {
        let host: ByteString
        do { host = try sysroot.hostPath(p) } catch { throw CallError.perror(p, error.errno) }
        var st = stat()
        guard lstat(host.cString, &st) == 0 else { throw CallError.perror(p, errno) }
        guard st.st_mode.isDirectory else { return LongListing(entries: [(host, st)], now: time(nil)).text(total: false) }
        let fd = open(host.cString, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw CallError("ls: cannot open directory '\(host)': \(Errno(errno).text)") }
        defer { close(fd) }
        var names: [ByteString] = [".", ".."]
        do { names += try Tree.entries(fd, host) } catch { throw CallError("ls: reading directory '\(host)': \(error.reason)") }
        names.sort { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        var entries: [(name: ByteString, stat: stat)] = []
        for name in names {
            var s = stat()
            guard fstatat(fd, name.cString, &s, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            entries.append((name, s))
        }
        let targets = entries.map { Sysroot.linkTarget(fd, $0.name) }
        return LongListing(entries: entries, now: time(nil), targets: targets).text(total: true)
    }
}

/// coreutils' `ls -l` lines: columns padded to the widest entry, owners as numbers (right-aligned, the
/// stock appliance's ls has no name service to look them up either), recent times as
/// "Mon dd HH:MM" and older or future ones as "Mon dd  YYYY".
struct LongListing {
    let entries: [(name: ByteString, stat: stat)]
    let now: time_t
    /// Each entry's symlink target, where it has one.
    var targets: [ByteString?] = []

    func text(total: Bool) -> ByteString {
        let rows = entries.map { e -> [String] in
            let st = e.stat
            let size: String = [S_IFCHR, S_IFBLK].contains(st.st_mode & S_IFMT)
                ? "\(Devices.major(st.st_rdev)), \(Devices.minor(st.st_rdev))" : "\(st.st_size)"
            return [LongListing.modeString(st.st_mode), "\(st.st_nlink)", "\(st.st_uid)", "\(st.st_gid)", size, date(st.st_mtim.tv_sec)]
        }
        let widths = (1 ... 4).map { c in rows.map { $0[c].utf8.count }.max() ?? 0 }
        var out: [UInt8] = []
        if total {
            let blocks = entries.reduce(0) { $0 + Int($1.stat.st_blocks) }
            out += "total \((blocks + 1) / 2)\n".utf8
        }
        for (i, (r, e)) in zip(rows, entries).enumerated() {
            let padded = (1 ... 4).map { pad(r[$0], widths[$0 - 1], right: true) }
            out += ([r[0]] + padded + [r[5], ""]).joined(separator: " ").utf8
            out += e.name.bytes
            if e.stat.st_mode.isSymlink, i < targets.count, let t = targets[i] { out += " -> ".utf8 + t.bytes }
            out.append(UInt8(ascii: "\n"))
        }
        return ByteString(out)
    }

    private func pad(_ s: String, _ w: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, w - s.utf8.count))
        return right ? fill + s : s + fill
    }

    private func date(_ t: time_t) -> String {
        var tm = tm(), time = t
        gmtime_r(&time, &tm)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = tm.tm_mday < 10 ? " \(tm.tm_mday)" : "\(tm.tm_mday)"
        let sixMonths: time_t = 31_556_952 / 2
        let recent = t <= now && now - t < sixMonths
        let hh = tm.tm_hour < 10 ? "0\(tm.tm_hour)" : "\(tm.tm_hour)", mm = tm.tm_min < 10 ? "0\(tm.tm_min)" : "\(tm.tm_min)"
        return "\(months[Int(tm.tm_mon)]) \(day) " + (recent ? "\(hh):\(mm)" : " \(tm.tm_year + 1900)")
    }

    static func modeString(_ m: mode_t) -> String {
        let type: Character = switch m & S_IFMT {
        case S_IFDIR: "d"
        case S_IFLNK: "l"
        case S_IFCHR: "c"
        case S_IFBLK: "b"
        case S_IFIFO: "p"
        case S_IFSOCK: "s"
        default: "-"
        }
        func triad(_ r: mode_t, _ w: mode_t, _ x: mode_t, _ special: mode_t, _ on: Character, _ off: Character) -> String {
            let rc: Character = m & r != 0 ? "r" : "-", wc: Character = m & w != 0 ? "w" : "-"
            let xc: Character = m & special != 0 ? (m & x != 0 ? on : off) : (m & x != 0 ? "x" : "-")
            return String([rc, wc, xc])
        }
        return String(type) + triad(S_IRUSR, S_IWUSR, S_IXUSR, S_ISUID, "s", "S")
            + triad(S_IRGRP, S_IWGRP, S_IXGRP, S_ISGID, "s", "S") + triad(S_IROTH, S_IWOTH, S_IXOTH, S_ISVTX, "t", "T")
    }
}
