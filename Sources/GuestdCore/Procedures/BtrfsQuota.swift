import Glibc
import GuestProtocol
import StorageText

/// btrfs quotas and subvolume details (daemon/btrfs.c of libguestfs 1.48): btrfs(8) on
/// the guest path, or, for quota_enable and quota_rescan given a device, on a mount of
/// it in /tmp made and undone around the one command; the real daemon's error texts.
extension Daemon {
    func doBtrfsSubvolumeShow(subvolume: ByteString) throws(CallError) -> [(ByteString, ByteString)] {
        let r = try Subprocess.appliance(["btrfs", "subvolume", "show", try toolPath(subvolume)])
        guard r.succeeded else { throw CallError("\(subvolume): " + Subprocess.errorText(r)) }
        let out = String(decoding: r.out, as: UTF8.self)
        // btrfs-progs before 4.4 said "is btrfs root", later ones "is toplevel subvolume".
        if out.contains("is btrfs root") || out.contains("is toplevel subvolume") {
            throw CallError("\(subvolume) is btrfs root")
        }
        if Subprocess.errorText(r).description.contains("is not a subvolume") {
            throw CallError("\(subvolume) is not a subvolume")
        }
        do throws(BtrfsReportError) {
            let list = try BtrfsSubvolumeShow.parse(out)
            return stride(from: 0, to: list.count - 1, by: 2).map { (ByteString(list[$0]), ByteString(list[$0 + 1])) }
        } catch {
            throw CallError(ByteString(error.message))
        }
    }

    func doBtrfsQuotaEnable(fs: ByteString, enable: Bool) throws(CallError) {
        try onMountedBtrfs(fs) { dir throws(CallError) in
            try btrfsTool(["btrfs", "quota", enable ? "enable" : "disable", dir], prefix: dir.description)
        }
    }

    func doBtrfsQuotaRescan(fs: ByteString) throws(CallError) {
        try onMountedBtrfs(fs) { dir throws(CallError) in
            try btrfsTool(["btrfs", "quota", "rescan", dir], prefix: dir.description)
        }
    }

    func doBtrfsQgroupLimit(subvolume: ByteString, size: Int64) throws(CallError) {
        try btrfsOnPath(["qgroup", "limit", ByteString("\(size)")], subvolume)
    }

    func doBtrfsQgroupCreate(qgroupid: ByteString, subvolume: ByteString) throws(CallError) {
        try btrfsOnPath(["qgroup", "create", qgroupid], subvolume)
    }

    func doBtrfsQgroupDestroy(qgroupid: ByteString, subvolume: ByteString) throws(CallError) {
        try btrfsOnPath(["qgroup", "destroy", qgroupid], subvolume)
    }

    func doBtrfsQgroupAssign(src: ByteString, dst: ByteString, path: ByteString) throws(CallError) {
        try btrfsOnPath(["qgroup", "assign", src, dst], path)
    }

    func doBtrfsQgroupRemove(src: ByteString, dst: ByteString, path: ByteString) throws(CallError) {
        try btrfsOnPath(["qgroup", "remove", src, dst], path)
    }

    /// Raw byte counts (--raw, where this btrfs has it: since btrfs-progs 3.18.2 sizes
    /// are printed with unit suffixes by default).
    func doBtrfsQgroupShow(path: ByteString) throws(CallError) -> [StructValue] {
        let help = try Subprocess.appliance(["btrfs", "qgroup", "show", "--help"])
        let raw = String(decoding: help.out, as: UTF8.self).contains("--raw")
        let out = try btrfsOnPath(["qgroup", "show"] + (raw ? ["--raw"] : []), path)
        do throws(BtrfsReportError) {
            return try BtrfsQgroupShow.parse(String(decoding: out, as: UTF8.self)).map {
                StructValue(.btrfsQgroup, [.string($0.id), .int(Int64(bitPattern: $0.referenced)), .int(Int64(bitPattern: $0.exclusive))])
            }
        } catch {
            throw CallError(ByteString(error.message))
        }
    }

    // MARK: - Steps

    /// `btrfs ARGS… SYSROOT/PATH`, failing with "PATH: stderr"; its stdout.
    @discardableResult
    func btrfsOnPath(_ args: [ByteString], _ path: ByteString) throws(CallError) -> [UInt8] {
        let r = try Subprocess.appliance(["btrfs"] + args + [try toolPath(path)])
        guard r.succeeded else { throw CallError("\(path): " + Subprocess.errorText(r)) }
        return r.out
    }

    /// sysroot_path for a tool's argument: the path resolved in the sysroot; one whose last
    /// name does not exist (nor as a dangling link) is its resolved directory and that
    /// name, so that the tool says it is missing in its own words, as in the real daemon.
    func toolPath(_ path: ByteString) throws(CallError) -> ByteString {
        do {
            return try sysrootPath(path)
        } catch where error.errno == ENOENT {
            var parts = path.components.filter { $0 != "." }
            guard let last = parts.popLast(), last != "..",
                  let dir = try? sysroot.hostPath("/" + ByteString.joined(parts)) else { throw error }
            let candidate = dir + "/" + last
            var st = stat()
            guard lstat(candidate.cString, &st) != 0, errno == ENOENT else { throw error }
            return candidate
        }
    }

    /// The real daemon's mount()/umount() pair in btrfs.c: a guest path is used in the
    /// sysroot; a device or subvolume is mounted by mount(8) on a fresh /tmp/btrfs.XXXXXX
    /// for the body, then unmounted and the directory removed, whatever the body did.
    private func onMountedBtrfs(_ fs: ByteString, _ body: (ByteString) throws(CallError) -> Void) throws(CallError) {
        guard fs.hasPrefix("/dev/") || fs.hasPrefix(ByteString(Mountable.btrfsPrefix)) else {
            return try body(try sysrootPath(fs))
        }
        var template = Array("/tmp/btrfs.XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw CallError.perror("mkdtemp", errno) }
        let dir = ByteString(String(nulTerminated: template))
        let m = Mountable(fs.description)
        modules.ensureFilesystem("btrfs")
        let options = m.volume.map { "subvol=\($0)" } ?? ""
        let mounted = try Subprocess.appliance(["mount", "-o", ByteString(options), ByteString(m.device), dir])
        guard mounted.succeeded else {
            rmdir(dir.description)
            throw CallError("\(m.device) on <internal> (options: ''): " + Subprocess.errorText(mounted))
        }
        var failure: CallError?
        do { try body(dir) } catch { failure = error }
        let unmounted = try Subprocess.appliance(["umount", dir])
        if let failure { throw failure }
        guard unmounted.succeeded else { throw CallError("umount: " + Subprocess.errorText(unmounted)) }
        guard rmdir(dir.description) == 0 || errno == ENOENT else { throw CallError.perror("rmdir", errno) }
    }
}
