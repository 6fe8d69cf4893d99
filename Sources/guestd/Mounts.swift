import CMount
import Glibc

/// Guest filesystems under the sysroot: mount through libmount, the mount table read
/// from /proc/self/mountinfo, and unmounting everything at or under the sysroot.
struct Mounts {
    /// The sysroot as the kernel spells it in mountinfo (symlinks resolved).
    let sysroot: String

    init(sysroot: String) {
        if let real = realpath(sysroot, nil) {
            self.sysroot = String(cString: real)
            free(real)
        } else {
            self.sysroot = sysroot
        }
    }

    /// Mount points at or under the sysroot, in mountinfo order.
    func mountPoints() -> [String] {
        Mounts.allMountPoints().filter { $0 == sysroot || $0.hasPrefix(sysroot == "/" ? "/" : sysroot + "/") }
    }

    /// is_root_mounted: something is mounted on or under the sysroot.
    var isRootMounted: Bool { !mountPoints().isEmpty }

    /// umount_all: deepest first (longest path first), so children go before parents.
    func unmountAll() throws(CallError) {
        let points = mountPoints().enumerated().sorted { a, b in
            a.element.utf8.count != b.element.utf8.count ? a.element.utf8.count > b.element.utf8.count : a.offset > b.offset
        }
        for (_, dir) in points where umount2(dir, 0) != 0 {
            throw CallError.perror("umount: \(dir)", errno)
        }
    }

    /// mount(8)'s job through libmount. A failure reads as libguestfs 1.48's daemon
    /// reports mount(8) failing (Mount.mount_vfs, Utils.command): "mount exited with
    /// status N: " and mount(8)'s stderr, "mount: TARGET: REASON." with its dmesg hint
    /// after a failed system call.
    func mount(device: String, target: String, options: String, fstype: String) throws(CallError) {
        guard let cxt = mnt_new_context() else { throw CallError.perror("mnt_new_context", ENOMEM) }
        defer { mnt_free_context(cxt) }
        // The appliance root is read-only and nothing reads utab: do not try to write it.
        mnt_context_disable_mtab(cxt, 1)
        mnt_context_set_source(cxt, device)
        mnt_context_set_target(cxt, target)
        if !options.isEmpty { mnt_context_set_options(cxt, options) }
        if !fstype.isEmpty { mnt_context_set_fstype(cxt, fstype) }
        let rc = mnt_context_mount(cxt)
        var buf = [CChar](repeating: 0, count: 1024)
        let exit = mnt_context_get_excode(cxt, rc, &buf, buf.count)
        guard exit != MNT_EX_SUCCESS else { return }
        let reason = String(nulTerminated: buf)
        var lines = reason.isEmpty ? [] : ["mount: \(target): \(reason)."]
        if mnt_context_syscall_called(cxt) != 0, mnt_context_get_syscall_errno(cxt) != 0 {
            lines.append("       dmesg(1) may have more information after failed mount system call.")
        }
        throw CallError("mount exited with status \(exit): " + lines.joined(separator: "\n"))
    }

    struct Entry {
        var source: String
        var hostPath: String
        /// The mount point as the guest sees it: "/" for the sysroot itself.
        var guestPath: String
    }

    /// Mounts at or under the sysroot with their sources, in mount order (what the real
    /// daemon reads from /proc/mounts for mounts and mountpoints).
    func table() -> [Entry] {
        guard let f = fopen("/proc/self/mountinfo", "re") else { return [] }
        defer { fclose(f) }
        var entries: [Entry] = []
        var line: UnsafeMutablePointer<CChar>?
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, f) > 0, let line {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS…] - FSTYPE SOURCE SUPEROPTS"
            let text = String(cString: line).trimmingSuffix("\n")
            let fields = text.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 4, let dash = fields.firstIndex(of: "-"), dash + 2 < fields.count else { continue }
            let point = Mounts.unescape(fields[4])
            let guest: String
            if point == sysroot { guest = "/" } else if point.hasPrefix(sysroot + "/") {
                guest = String(point.dropFirst(sysroot == "/" ? 0 : sysroot.utf8.count))
            } else { continue }
            entries.append(Entry(source: Mounts.unescape(fields[dash + 2]), hostPath: point, guestPath: guest))
        }
        return entries
    }

    /// Every mount point in the namespace, unescaped (mountinfo writes " " as "\040").
    static func allMountPoints() -> [String] {
        guard let f = fopen("/proc/self/mountinfo", "re") else { return [] }
        defer { fclose(f) }
        var points: [String] = []
        var line: UnsafeMutablePointer<CChar>?
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, f) > 0, let line {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS …": the fifth field.
            let fields = String(cString: line).split(separator: " ", omittingEmptySubsequences: false)
            if fields.count > 4 { points.append(unescape(fields[4])) }
        }
        return points
    }

    static func unescape(_ field: Substring) -> String {
        var out: [UInt8] = []
        let b = Array(field.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 3 < b.count,
               b[(i + 1)...(i + 3)].allSatisfy({ $0 >= 48 && $0 <= 55 }) {
                out.append(UInt8(truncatingIfNeeded: Int(b[i + 1] - 48) << 6 | Int(b[i + 2] - 48) << 3 | Int(b[i + 3] - 48)))
                i += 4
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
