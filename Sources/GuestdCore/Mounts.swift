import CMount
import Glibc
import GuestProtocol

/// Guest filesystems under the sysroot: mount through libmount, the mount table read
/// from /proc/self/mountinfo, and unmounting everything at or under the sysroot. Mount
/// points are bytes: a guest directory's name need not be UTF-8.
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

    /// The source name of the tmpfs mkmountpoint puts on an empty sysroot (the appliance
    /// root is read-only): it holds mount points only and counts as no mount at all.
    static let mountpointsSource = "appliance-mountpoints"

    /// Mount points at or under the sysroot, in mountinfo order, the mount points' tmpfs
    /// left out ("ID PARENT MAJ:MIN ROOT MOUNTPOINT …": the fifth field, unescaped).
    func mountPoints() -> [ByteString] {
        let root = ByteString(sysroot)
        return Mounts.mountinfo().filter { !Mounts.isMountpointsTmpfs($0) }.compactMap { $0.count > 4 ? Mounts.unescape($0[4]) : nil }
            .filter { $0 == root || $0.hasPrefix(sysroot == "/" ? "/" : root + "/") }
    }

    /// The mount points' tmpfs is on the sysroot.
    var hasMountpointsTmpfs: Bool {
        Mounts.mountinfo().contains { Mounts.isMountpointsTmpfs($0) && $0.count > 4 && Mounts.unescape($0[4]) == ByteString(sysroot) }
    }

    private static func isMountpointsTmpfs(_ fields: [[UInt8]]) -> Bool {
        guard let dash = fields.firstIndex(of: [UInt8(ascii: "-")]), dash + 2 < fields.count else { return false }
        return fields[dash + 1] == Array("tmpfs".utf8) && fields[dash + 2] == Array(mountpointsSource.utf8)
    }

    /// is_root_mounted: something is mounted on or under the sysroot.
    var isRootMounted: Bool { !mountPoints().isEmpty }

    /// umount_all: deepest first (longest path first), so children go before parents.
    func unmountAll() throws(CallError) {
        let points = mountPoints().enumerated().sorted { a, b in
            a.element.bytes.count != b.element.bytes.count ? a.element.bytes.count > b.element.bytes.count : a.offset > b.offset
        }
        for (_, dir) in points where umount2(dir.cString, 0) != 0 {
            throw CallError.perror("umount: \(dir)", errno)
        }
    }

    /// mount(8)'s job through libmount. A failure reads as libguestfs 1.48's daemon
    /// reports mount(8) failing (Mount.mount_vfs, Utils.command): "mount exited with
    /// status N: " and mount(8)'s stderr, "mount: TARGET: REASON." with its dmesg hint
    /// after a failed system call.
    func mount(device: String, target: ByteString, options: String, fstype: String) throws(CallError) {
        guard let cxt = mnt_new_context() else { throw CallError.perror("mnt_new_context", ENOMEM) }
        defer { mnt_free_context(cxt) }
        // The appliance root is read-only and nothing reads utab: do not try to write it.
        mnt_context_disable_mtab(cxt, 1)
        mnt_context_set_source(cxt, device)
        mnt_context_set_target(cxt, target.cString)
        if !options.isEmpty { mnt_context_set_options(cxt, options) }
        if !fstype.isEmpty { mnt_context_set_fstype(cxt, fstype) }
        let rc = mnt_context_mount(cxt)
        var buf = [CChar](repeating: 0, count: 1024)
        let exit = mnt_context_get_excode(cxt, rc, &buf, buf.count)
        guard exit != MNT_EX_SUCCESS else { return }
        let reason = String(nulTerminated: buf)
        var message: ByteString = "mount exited with status \(exit): "
        if !reason.isEmpty { message = message + "mount: \(target): \(reason)." }
        if mnt_context_syscall_called(cxt) != 0, mnt_context_get_syscall_errno(cxt) != 0 {
            message = message + (reason.isEmpty ? "" : "\n") + "       dmesg(1) may have more information after failed mount system call."
        }
        throw CallError(message)
    }

    struct Entry {
        /// The device: text.
        var source: String
        var hostPath: ByteString
        /// The mount point as the guest sees it: "/" for the sysroot itself.
        var guestPath: ByteString
    }

    /// Mounts at or under the sysroot with their sources, in mount order (what the real
    /// daemon reads from /proc/mounts for mounts and mountpoints).
    func table() -> [Entry] {
        let root = ByteString(sysroot)
        var entries: [Entry] = []
        for fields in Mounts.mountinfo() {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS…] - FSTYPE SOURCE SUPEROPTS"
            guard fields.count > 4, let dash = fields.firstIndex(of: [UInt8(ascii: "-")]), dash + 2 < fields.count,
                  !Mounts.isMountpointsTmpfs(fields) else { continue }
            let point = Mounts.unescape(fields[4])
            let guest: ByteString
            if point == root { guest = "/" } else if point.hasPrefix(root + "/") {
                guest = ByteString(point.bytes.dropFirst(sysroot == "/" ? 0 : root.bytes.count))
            } else { continue }
            entries.append(Entry(source: Mounts.unescape(fields[dash + 2]).description, hostPath: point, guestPath: guest))
        }
        return entries
    }

    /// The lines of /proc/self/mountinfo split at spaces, as bytes.
    static func mountinfo() -> [[[UInt8]]] {
        guard let f = fopen("/proc/self/mountinfo", "re") else { return [] }
        defer { fclose(f) }
        var lines: [[[UInt8]]] = []
        var line: UnsafeMutablePointer<CChar>?
        var cap = 0
        defer { free(line) }
        while true {
            let n = getline(&line, &cap, f)
            guard n > 0, let line else { break }
            var bytes = UnsafeRawBufferPointer(start: line, count: n).map { $0 }
            if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
            lines.append(bytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map(Array.init))
        }
        return lines
    }

    static func unescape(_ b: [UInt8]) -> ByteString {
        var out: [UInt8] = []
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
        return ByteString(out)
    }
}
