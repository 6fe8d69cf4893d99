import Glibc
import GuestProtocol

/// btrfs subvolumes (daemon/btrfs.c, btrfs.ml of libguestfs 1.48): the btrfs tool on
/// the mounted filesystem; a device or subvolume is mounted on a temporary directory
/// for the question and unmounted after.
extension Daemon {
    func doBtrfsSubvolumeList(fs: ByteString) throws(CallError) -> [StructValue] {
        try withMountedFilesystem(fs) { dir throws(CallError) in try btrfsSubvolumes(at: dir) }
            .map { StructValue(.btrfsSubvolume, [.int(Int64(bitPattern: $0.id)), .int(Int64(bitPattern: $0.topLevel)), .string($0.path)]) }
    }

    func doBtrfsSubvolumeGetDefault(fs: ByteString) throws(CallError) -> Int64 {
        Int64(bitPattern: try withMountedFilesystem(fs) { dir throws(CallError) in try btrfsDefault(at: dir) })
    }

    func doBtrfsSubvolumeCreate(dest: ByteString, qgroupid: ByteString?) throws(CallError) {
        let path = try targetPath(dest)
        try btrfs(["subvolume", "create"] + (qgroupid.map { ["-i", $0] } ?? []) + [path], prefix: "\(dest): ")
    }

    func doBtrfsSubvolumeDelete(subvolume: ByteString) throws(CallError) {
        try btrfs(["subvolume", "delete", try targetPath(subvolume)], prefix: "\(subvolume): ")
    }

    func doBtrfsSubvolumeSnapshot(source: ByteString, dest: ByteString, ro: Bool?, qgroupid: ByteString?) throws(CallError) {
        let args: [ByteString] = ["subvolume", "snapshot"] + (ro == true ? ["-r"] : []) + (qgroupid.map { ["-i", $0] } ?? [])
        try btrfs(args + [try targetPath(source), try targetPath(dest)], prefix: "\(source): \(dest): ")
    }

    func doBtrfsSubvolumeSetDefault(id: Int64, fs: ByteString) throws(CallError) {
        try btrfs(["subvolume", "set-default", ByteString("\(id)"), try targetPath(fs)], prefix: "\(fs): ")
    }

    // MARK: - For list_filesystems

    /// The subvolumes of a btrfs device (the real daemon's btrfs_subvolume_list).
    func btrfsVolumes(_ device: String) throws(CallError) -> [(id: UInt64, topLevel: UInt64, path: String)] {
        try withMountedFilesystem(ByteString(device)) { dir throws(CallError) in try btrfsSubvolumes(at: dir) }
    }

    func btrfsDefaultID(_ device: String) throws(CallError) -> UInt64 {
        try withMountedFilesystem(ByteString(device)) { dir throws(CallError) in try btrfsDefault(at: dir) }
    }

    // MARK: - Steps

    /// "ID 256 gen 30 top level 5 path dir/test2" per subvolume.
    private func btrfsSubvolumes(at dir: String) throws(CallError) -> [(id: UInt64, topLevel: UInt64, path: String)] {
        let out = try Daemon.ocamlCommand("btrfs", ["subvolume", "list", dir])
        var result: [(id: UInt64, topLevel: UInt64, path: String)] = []
        for line in out.split(separator: UInt8(ascii: "\n")) {
            let text = String(decoding: line, as: UTF8.self)
            guard let m = ReleaseFiles.groups(#"^ID\s+(\d+).*\stop level\s+(\d+).*\spath\s(.*)$"#, text),
                  let id = UInt64(m[0]), let top = UInt64(m[1]) else {
                throw CallError("unexpected output from 'btrfs subvolume list' command: \(text)")
            }
            result.append((id, top, m[2]))
        }
        return result
    }

    private func btrfsDefault(at dir: String) throws(CallError) -> UInt64 {
        let out = String(decoding: try Daemon.ocamlCommand("btrfs", ["subvolume", "get-default", dir]), as: UTF8.self)
        guard let m = ReleaseFiles.groups(#"^ID\s+(\d+)"#, out), let id = UInt64(m[0]) else {
            throw CallError("unexpected output from 'btrfs subvolume get-default' command: \(out)")
        }
        return id
    }

    /// sysroot_path: the guest path in the sysroot, its directory resolved inside the
    /// sysroot (no symlink leads out) and its last name as given (it may not exist yet).
    private func targetPath(_ guestPath: ByteString) throws(CallError) -> ByteString {
        var parts = guestPath.components.filter { $0 != "." }
        let last = parts.popLast()
        do throws(SysError) {
            let dir = try sysroot.hostPath("/" + ByteString.joined(parts))
            return last.map { dir + "/" + $0 } ?? dir
        } catch {
            throw CallError.perror(guestPath, error.errno)
        }
    }

    @discardableResult
    private func btrfs(_ args: [ByteString], prefix: String) throws(CallError) -> [UInt8] {
        let r = try Subprocess.appliance(["btrfs"] + args)
        guard r.succeeded else { throw CallError(ByteString(prefix) + Subprocess.errorText(r)) }
        return r.out
    }

    /// with_mounted: a guest path is used where it is; a device or subvolume is mounted
    /// on a fresh directory in /tmp for the body and unmounted after.
    private func withMountedFilesystem<T>(_ fs: ByteString, _ body: (String) throws(CallError) -> T) throws(CallError) -> T {
        guard fs.hasPrefix("/dev/") || fs.hasPrefix(ByteString(Mountable.btrfsPrefix)) else {
            return try body(try targetPath(fs).description)
        }
        var template = Array("/tmp/btrfsXXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw CallError.perror("mkdtemp", errno) }
        let dir = String(nulTerminated: template)
        defer { rmdir(dir) }
        let m = Mountable(fs.description)
        let fstype = "btrfs"
        modules.ensureFilesystem(fstype)
        try mounts.mount(device: m.device, target: ByteString(dir), options: m.volume.map { "subvol=\($0)" } ?? "", fstype: fstype)
        defer { umount2(dir, 0) }
        return try body(dir)
    }
}
