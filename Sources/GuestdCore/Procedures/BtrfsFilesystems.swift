import GuestProtocol

/// Whole btrfs filesystems (daemon/btrfs.c of libguestfs 1.48): making one over several
/// devices, adding, removing and replacing its devices, resizing, syncing and balancing
/// it through the btrfs tools, with the real daemon's checks and error texts.
extension Daemon {
    func doMkfsBtrfs(devices list: [String], allocstart: Int64?, bytecount: Int64?, datatype: ByteString?, leafsize: Int32?,
                     label: ByteString?, metadata: ByteString?, nodesize: Int32?, sectorsize: Int32?) throws(CallError) {
        guard let first = list.first else { throw CallError("list of devices must be non-empty") }
        // allocstart: --alloc-start left btrfs-progs in 4.14.1; the real daemon ignores it too.
        var argv: [ByteString] = ["mkfs.btrfs"]
        if let bytecount {
            guard bytecount > 0 else { throw CallError("bytecount must be > 0") }
            argv += ["--byte-count", ByteString("\(bytecount)")]
        }
        if let datatype {
            guard Daemon.btrfsProfiles.contains(datatype) else { throw CallError("datatype not one of the allowed values") }
            argv += ["--data", datatype]
        }
        if let leafsize {
            guard leafsize > 0, leafsize & (leafsize - 1) == 0 else { throw CallError("leafsize must be > 0 and a power of two") }
            argv += ["--leafsize", ByteString("\(leafsize)")]
        }
        if let label { argv += ["--label", label] }
        if let metadata {
            guard Daemon.btrfsProfiles.contains(metadata) else { throw CallError("metadata not one of the allowed values") }
            argv += ["--metadata", metadata]
        }
        for (name, value) in [("nodesize", nodesize), ("sectorsize", sectorsize)] {
            guard let value else { continue }
            guard value > 0, value & (value - 1) == 0 else { throw CallError("\(name) must be > 0 and a power of two") }
            argv += [ByteString("--\(name)"), ByteString("\(value)")]
        }
        for device in list { Mkfs.wipeSignatures(device) }
        try btrfsTool(argv + list.map { ByteString($0) }, prefix: first)
        StorageActivation.scanBtrfs(modules: modules)
    }

    func doBtrfsDeviceAdd(devices list: [String], fs: ByteString) throws(CallError) {
        guard !list.isEmpty else { return }
        try btrfsTool(["btrfs", "device", "add", "--force"] + list.map { ByteString($0) } + [try sysrootPath(fs)], prefix: fs.description)
    }

    func doBtrfsDeviceDelete(devices list: [String], fs: ByteString) throws(CallError) {
        guard !list.isEmpty else { return }
        try btrfsTool(["btrfs", "device", "delete"] + list.map { ByteString($0) } + [try sysrootPath(fs)], prefix: fs.description)
    }

    func doBtrfsReplace(srcdev: String, targetdev: String, mntpoint: ByteString) throws(CallError) {
        try btrfsTool(["btrfs", "replace", "start", "-B", "-f", ByteString(srcdev), ByteString(targetdev), try sysrootPath(mntpoint)],
                      prefix: mntpoint.description)
    }

    func doBtrfsFilesystemResize(mountpoint: ByteString, size: Int64?) throws(CallError) {
        if let size, size <= 0 { throw CallError("size is zero or negative") }
        try btrfsTool(["btrfs", "filesystem", "resize", size.map { ByteString("\($0)") } ?? "max", try sysrootPath(mountpoint)],
                      prefix: mountpoint.description)
    }

    func doBtrfsFilesystemSync(fs: ByteString) throws(CallError) {
        try btrfsTool(["btrfs", "filesystem", "sync", try sysrootPath(fs)], prefix: fs.description)
    }

    func doBtrfsFilesystemBalance(fs: ByteString) throws(CallError) {
        try btrfsTool(["btrfs", "balance", try sysrootPath(fs)], prefix: fs.description)
    }

    private static let btrfsProfiles: Set<ByteString> = ["raid0", "raid1", "raid10", "single"]

    /// commandv: "PREFIX: STDERR" on failure (the error reply names devices in the
    /// caller's terms).
    func btrfsTool(_ argv: [ByteString], prefix: String) throws(CallError) {
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else { throw CallError(ByteString(prefix) + ": " + Subprocess.errorText(r)) }
    }
}
