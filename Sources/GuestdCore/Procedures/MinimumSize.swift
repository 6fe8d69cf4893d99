import Glibc
import GuestProtocol

/// vfs_minimum_size (daemon/fs-min-size.c of libguestfs 1.48): how small a filesystem
/// can shrink, which virt-resize --shrink asks before it moves anything. ext2/3/4 from
/// resize2fs -P times the block size; btrfs (mounted) from btrfs inspect-internal
/// min-dev-size; XFS (mounted) its current size from xfs_info; other types are ENOTSUP, as on a daemon without their tools.
extension Daemon {
    func doVfsMinimumSize(mountable: String) throws(CallError) -> Int64 {
        let type = try doVfsType(mountable: mountable).description
        let device = Mountable(mountable).device
        switch type {
        case "ext2", "ext3", "ext4":
            return try extMinimumSize(device)
        case "btrfs":
            return try btrfsMinimumSize(try mountPoint(of: device))
        case "xfs":
            return try xfsMinimumSize(try mountPoint(of: device))
        default:
            throw CallError("don't know how to get minimum size of '\(type)' filesystems", errno: ENOTSUP)
        }
    }

    private func extMinimumSize(_ device: String) throws(CallError) -> Int64 {
        let r = try Subprocess.appliance(["resize2fs", "-P", "-f", device])
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
        let out = ByteString(r.out).description
        let pattern = "Estimated minimum size of the filesystem: "
        guard let line = out.split(separator: "\n").first(where: { $0.hasPrefix(pattern) }) else {
            throw CallError("minimum size not found. Check output format:\n\(out)")
        }
        guard let blocks = Daemon.leadingInteger(line.dropFirst(pattern.count)) else {
            throw CallError("cannot parse minimum size")
        }
        guard let sizeText = try doTune2fsL(device: device).first(where: { $0.0 == "Block size" })?.1 else {
            throw CallError("missing 'Block size' in tune2fs_l output")
        }
        guard let blockSize = Daemon.leadingInteger(Substring(sizeText.description)), blockSize > 0 else {
            throw CallError("cannot parse block size")
        }
        let (bytes, overflow) = blocks.multipliedReportingOverflow(by: blockSize)
        guard !overflow else { throw CallError("filesystem size too big: overflow") }
        return bytes
    }

    private func btrfsMinimumSize(_ guestPath: ByteString) throws(CallError) -> Int64 {
        let r = try Subprocess.appliance(["btrfs", "inspect-internal", "min-dev-size", try sysrootPath(guestPath)])
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
        guard let bytes = Daemon.leadingInteger(Substring(ByteString(r.out).description)) else {
            throw CallError("cannot parse minimum size")
        }
        return bytes
    }

    /// get_mount_point: where the device is mounted, as mountpoints lists it.
    private func mountPoint(of device: String) throws(CallError) -> ByteString {
        let shown = ByteString(devices.reverse(device))
        guard let point = try doMountpoints().first(where: { $0.0 == shown || $0.0 == ByteString(device) })?.1 else {
            throw CallError("device not mounted: \(device)")
        }
        return point
    }

    /// xstrtol without suffixes: the leading decimal number, whatever follows it.
    static func leadingInteger(_ text: Substring) -> Int64? {
        let trimmed = text.drop(while: { $0 == " " || $0 == "\t" })
        let digits = trimmed.prefix(while: { $0.isASCII && $0.isNumber })
        return digits.isEmpty ? nil : Int64(digits)
    }
}
