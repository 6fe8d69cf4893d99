import Glibc
import GuestProtocol

/// The lvm tool as the real daemon drives it, without udev: libdevmapper makes the
/// /dev/mapper nodes and lvm the /dev/VG/LV links itself (DM_DISABLE_UDEV), and the
/// configuration lives in a writable LVM_SYSTEM_DIR that lvm_set_filter rewrites.
enum LVM {
    static let systemDir = "/tmp/lvm"
    /// Set once prepareEnvironment ran: only PID 1 of the appliance drives lvm.
    nonisolated(unsafe) private(set) static var isPrepared = false

    /// Once, as PID 1, before any lvm runs: the environment every lvm, dmsetup and
    /// cryptsetup child inherits, and an lvm.conf of defaults.
    static func prepareEnvironment(console: Console) {
        setenv("LVM_SYSTEM_DIR", systemDir, 1)
        setenv("DM_DISABLE_UDEV", "1", 1)
        // lvm warns on stderr about any inherited descriptor; errors are made of stderr.
        setenv("LVM_SUPPRESS_FD_WARNINGS", "1", 1)
        _ = mkdir(systemDir, 0o755)
        isPrepared = true
        do throws(CallError) { try writeConfig(filters: nil) } catch { console.info(error.message.description) }
    }

    /// lvm.conf: all defaults but the devices file, which lvm2 2.03 would otherwise
    /// consult and find empty, and optionally a filter (`filter` and `global_filter`).
    static func writeConfig(filters: [String]?) throws(CallError) {
        var text = "devices {\n    use_devicesfile = 0\n"
        if let filters {
            for key in ["filter", "global_filter"] {
                text += "    \(key) = [\n        " + filters.map { "\"\($0)\"" }.joined(separator: ",\n        ") + "\n    ]\n"
            }
        }
        text += "}\n"
        let path = systemDir + "/lvm.conf"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CallError.perror("open: \(path)", errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw CallError.perror("write: \(path)", errno) }
    }

    /// Runs `lvm ARGS…`; its stderr is the error text, as in the real daemon.
    @discardableResult
    static func run(_ args: [String], prefix: String? = nil) throws(CallError) -> [UInt8] {
        let r = try Subprocess.appliance(["lvm"] + args)
        guard r.succeeded else {
            let err = Subprocess.errorText(r)
            throw CallError(prefix.map { ByteString("\($0)\(err)") } ?? err)
        }
        return r.out
    }

    /// Output lines trimmed, blank ones and lvm's "unknown device" dropped.
    static func lines(_ out: [UInt8]) -> [String] {
        out.split(separator: UInt8(ascii: "\n"))
            .map { String(decoding: $0, as: UTF8.self).trimmingWhitespace() }
            .filter { !$0.isEmpty && $0 != "unknown device" }
    }

    /// lvs: /dev/VG/LV of the public LVs that may be activated (not thin pools,
    /// snapshots' internals or LVs marked to skip activation).
    static func logicalVolumes() throws(CallError) -> [String] {
        // Implemented in OCaml in the real daemon: its errors carry the exit status.
        let out = try Daemon.ocamlCommand("lvm", ["lvs", "-o", "vg_name,lv_name", "-S", "lv_role=public && lv_skip_activation!=yes",
                                                  "--noheadings", "--separator", "/"])
        return lines(out).map { "/dev/" + $0 }.sorted()
    }

    /// lv_canonical: the /dev/VG/LV whose node is the same block device as `device`
    /// (a /dev/mapper/VG-LV or /dev/dm-N name), or nil.
    static func canonical(_ device: String) throws(CallError) -> String? {
        var st = stat(), other = stat()
        guard stat(device, &st) == 0 else { throw CallError.perror("stat: \(device)", errno) }
        for lv in try logicalVolumes() {
            guard stat(lv, &other) == 0 else { throw CallError.perror("stat: \(lv)", errno) }
            if other.st_rdev == st.st_rdev { return lv }
        }
        return nil
    }

    /// `lvm pvs|vgs|lvs` with the given columns, one row per line, columns split on \r
    /// as the real daemon asks (no name contains a carriage return).
    static func table(_ command: String, columns: [String]) throws(CallError) -> [[String]] {
        let out = try run([command, "-o", columns.joined(separator: ","), "--unbuffered", "--noheadings",
                           "--nosuffix", "--separator", "\r", "--units", "b"])
        // Bytes, not Characters: an empty last column leaves "\r\n", one Character.
        return out.split(separator: UInt8(ascii: "\n")).compactMap { line in
            let row = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            return row.isEmpty ? nil : row.split(separator: UInt8(ascii: "\r"), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
        }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

extension ByteString {
    /// The /sys/block name of the node a /dev path resolves to: /dev/mapper/VG-LV → dm-0.
    var kernelName: String {
        guard let real = realpath(description, nil) else { return "" }
        defer { free(real) }
        let path = String(cString: real)
        return String(path.split(separator: "/").last ?? "")
    }
}
