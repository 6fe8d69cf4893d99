import Glibc
import GuestProtocol

/// set_label, set_uuid, set_uuid_random (daemon/labels.c, uuids.c, ext2.c, swap.c,
/// btrfs.c, xfs.c of libguestfs 1.48): by the filesystem's type, the tool that rewrites its
/// superblock. ext2/3/4, FAT, swap, btrfs, NTFS and XFS labels and ext2/3/4, swap, btrfs and
/// XFS UUIDs are served; other types get the real daemon's "don't know how" (ENOTSUP).
extension Daemon {
    func doSetLabel(mountable: String, label: ByteString) throws(CallError) {
        let type = try doVfsType(mountable: mountable).description
        switch type {
        case "ext2", "ext3", "ext4":
            guard label.bytes.count <= 16 else { throw CallError("\(label): ext2/3/4 labels are limited to 16 bytes") }
            try labelTool(["e2label", ByteString(mountable), label])
        case "msdos", "fat", "vfat":
            try labelTool(["dosfslabel", ByteString(mountable), label])
        case "swap":
            guard label.bytes.count <= 16 else { throw CallError("\(label): Linux swap labels are limited to 16 bytes") }
            try labelTool(["swaplabel", "-L", label, ByteString(mountable)])
        case "btrfs":
            try labelTool(["btrfs", "filesystem", "label", ByteString(mountable), label])
        case "ntfs":
            try labelTool(["ntfslabel", ByteString(mountable), label])
        case "xfs":
            try xfsSetLabel(Mountable(mountable).device, label)
        default:
            throw CallError("don't know how to set the label for '\(type)' filesystems", errno: ENOTSUP)
        }
    }

    func doSetUUID(device: String, uuid: ByteString) throws(CallError) {
        let type = try Daemon.blkidType(device)
        switch type {
        case "ext2", "ext3", "ext4":
            // tune2fs's own words for these would make a UUID up instead.
            guard !["clear", "random", "time"].contains(uuid) else { throw CallError("e2: invalid new UUID") }
            try labelTool(["tune2fs", "-U", uuid, ByteString(device)])
        case "swap":
            try labelTool(["swaplabel", "-U", uuid, ByteString(device)])
        case "btrfs":
            try btrfstune(["-f", "-U", uuid], device)
        case "xfs":
            try xfsSetUUID(device, uuid)
        default:
            throw CallError("don't know how to set the UUID for '\(type)' filesystems", errno: ENOTSUP)
        }
    }

    func doSetUUIDRandom(device: String) throws(CallError) {
        let type = try Daemon.blkidType(device)
        switch type {
        case "ext2", "ext3", "ext4":
            try labelTool(["tune2fs", "-U", "random", ByteString(device)])
        case "swap":
            try labelTool(["swaplabel", "-U", Daemon.randomUUID(), ByteString(device)])
        case "btrfs":
            try btrfstune(["-f", "-u"], device)
        case "xfs":
            try xfsAdminUUID(device, "generate")
        default:
            throw CallError("don't know how to set the random UUID for '\(type)' filesystems", errno: ENOTSUP)
        }
    }

    /// get_blkid_tag TYPE: what set_uuid dispatches on.
    private static func blkidType(_ device: String) throws(CallError) -> String {
        do throws(SysError) { return try Probe.filesystemType(device) } catch {
            throw CallError.perror("blkid: \(device): TYPE", error.errno)
        }
    }

    /// btrfstune -U/-u (btrfs-progs 4.1 and later): "DEVICE: STDERR" on failure.
    private func btrfstune(_ args: [ByteString], _ device: String) throws(CallError) {
        let r = try Subprocess.appliance(["btrfstune"] + args + [ByteString(device)])
        guard r.succeeded else { throw CallError("\(device): \(Subprocess.errorText(r))") }
    }

    /// command(): the tool's stderr is the error.
    private func labelTool(_ argv: [ByteString]) throws(CallError) {
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
    }

    /// get_random_uuid: a version 4 UUID, lower case.
    static func randomUUID() -> ByteString {
        var b = [UInt8](repeating: 0, count: 16)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        if fd >= 0 { _ = read(fd, &b, 16); close(fd) }
        b[6] = b[6] & 0x0f | 0x40
        b[8] = b[8] & 0x3f | 0x80
        let hex = b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        return ByteString([hex[0 ..< 4], hex[4 ..< 6], hex[6 ..< 8], hex[8 ..< 10], hex[10 ..< 16]].map { $0.joined() }.joined(separator: "-"))
    }
}
