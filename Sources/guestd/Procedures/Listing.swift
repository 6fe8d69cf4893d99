import Glibc
import GuestProtocol

/// ll: what `ls -la` prints for the directory (daemon/ls.c runs it on the resolved path
/// under the sysroot), produced natively in coreutils' long format, C locale, UTC.
extension Daemon {
    static let listingProcedures: [(Procedure, Handler)] = [
        (.ll, { d, c throws(CallError) in Reply.string(try d.ll(c.string(0))) }),
    ]

    private func ll(_ p: String) throws(CallError) -> String {
        let host: String
        do { host = try sysroot.hostPath(p) } catch { throw CallError.perror(p, error.errno) }
        var st = stat()
        guard lstat(host, &st) == 0 else { throw CallError.perror(p, errno) }
        guard st.st_mode.isDirectory else { return try LongListing(entries: [(host, st)], names: [host], now: time(nil)).text(total: false) }
        let fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw CallError("ls: cannot open directory '\(host)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var names = [".", ".."]
        do { names += try Tree.entries(fd, host) } catch { throw CallError("ls: reading directory '\(host)': \(error.reason)") }
        names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var entries: [(String, stat)] = []
        for name in names {
            var s = stat()
            guard fstatat(fd, name, &s, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            entries.append((name, s))
        }
        let targets = names.map { Sysroot.linkTarget(fd, $0) }
        return try LongListing(entries: entries, names: names, now: time(nil), targets: targets).text(total: true)
    }
}

/// coreutils' `ls -l` lines: columns padded to the widest entry, owners as numbers (right-aligned, the
/// stock appliance's ls has no name service to look them up either), recent times as
/// "Mon dd HH:MM" and older or future ones as "Mon dd  YYYY".
struct LongListing {
    let entries: [(String, stat)]
    let names: [String]
    let now: time_t
    var targets: [String?] = []

    func text(total: Bool) throws(CallError) -> String {
        let rows = entries.enumerated().map { i, e -> [String] in
            let st = e.1
            let size: String = [S_IFCHR, S_IFBLK].contains(st.st_mode & S_IFMT)
                ? "\(Devices.major(st.st_rdev)), \(Devices.minor(st.st_rdev))" : "\(st.st_size)"
            var name = e.0
            if st.st_mode.isSymlink, i < targets.count, let t = targets[i] { name += " -> " + t }
            return [LongListing.modeString(st.st_mode), "\(st.st_nlink)", "\(st.st_uid)", "\(st.st_gid)", size, date(st.st_mtim.tv_sec), name]
        }
        let widths = (1 ... 4).map { c in rows.map { $0[c].utf8.count }.max() ?? 0 }
        var out = ""
        if total {
            let blocks = entries.reduce(0) { $0 + Int($1.1.st_blocks) }
            out += "total \((blocks + 1) / 2)\n"
        }
        for r in rows {
            out += r[0] + " " + pad(r[1], widths[0], right: true) + " " + pad(r[2], widths[1], right: true) + " "
                + pad(r[3], widths[2], right: true) + " " + pad(r[4], widths[3], right: true) + " " + r[5] + " " + r[6] + "\n"
        }
        return out
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
