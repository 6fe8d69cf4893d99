import Glibc
import GuestProtocol

/// do_mkfs of libguestfs 1.48: mke2fs -F for ext2/3/4 (mkfs would eat -F), mkfs -t
/// for the rest with each type's quirks, every optional argument checked first; the
/// device is wiped with wipefs just before, and only then. The label is bytes, as it is
/// written to the filesystem.
struct Mkfs {
    let fstype: String
    let device: String
    let blocksize: Int32?
    let features: String?
    let inode: Int32?
    let sectorsize: Int32?
    let label: ByteString?

    var isExt: Bool { ["ext2", "ext3", "ext4"].contains(fstype) }
    var isFat: Bool { ["fat", "vfat", "msdos"].contains(fstype) }

    func run() throws(CallError) {
        let argv = try arguments()
        Mkfs.wipeSignatures(device)
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else { throw CallError("\(fstype): \(device): \(Subprocess.errorText(r))") }
    }

    /// wipe_device_before_mkfs: old signatures go first, so that none outlives the new
    /// one; a failure is ignored, as there.
    static func wipeSignatures(_ device: String) {
        _ = try? Subprocess.appliance(["wipefs", "-a", "--force", device])
    }

    func arguments() throws(CallError) -> [ByteString] {
        var argv: [ByteString] = [isExt ? "mke2fs" : "mkfs", "-t", ByteString(fstype)]
        if isExt { argv.append("-F") }
        if fstype == "ntfs" { argv += ["-Q", "-F"] }
        if ["reiserfs", "jfs", "xfs"].contains(fstype) { argv.append("-f") }
        if ["gfs", "gfs2"].contains(fstype) { argv += ["-p", "lock_nolock", "-j", "1", "-O"] }
        if isFat {
            argv.append("-I")
            // Without --mbr=n, mkfs.fat 4.2 writes a bogus partition table (RHBZ#1931821).
            if let usage = try? Subprocess.appliance(["mkfs.fat"]), usage.status == 1,
               String(decoding: usage.err, as: UTF8.self).contains("--mbr[=") {
                argv.append("--mbr=n")
            }
        }
        if let blocksize {
            guard blocksize > 0, blocksize & (blocksize - 1) == 0 else { throw CallError("block size must be > 0 and a power of 2") }
            switch fstype {
            case "vfat", "msdos":
                let ss: Int32
                do throws(SysError) { ss = try Probe.geometry(device).sectorSize } catch {
                    throw CallError("blockdev: \(device): \(error.reason)", errno: error.errno)
                }
                let perCluster = blocksize / ss
                guard perCluster >= 1, perCluster <= 128 else {
                    throw CallError("unsupported cluster size for \(fstype) filesystem (requested cluster size = \(blocksize), sector size = \(ss), trying sectors per cluster = \(perCluster))")
                }
                argv += ["-s", "\(perCluster)"]
            case "ntfs": argv += ["-c", "\(blocksize)"]
            case "btrfs": throw CallError("blocksize cannot be set on btrfs filesystems, use 'mkfs-btrfs'")
            case "xfs": argv += ["-b", "size=\(blocksize)"]
            default: argv += ["-b", "\(blocksize)"]
            }
        }
        if let features { argv += ["-O", ByteString(features)] }
        if let inode {
            guard isExt else { throw CallError("inode size (-I) can only be set on ext2/3/4 filesystems") }
            guard inode > 0 else { throw CallError("inode size must be larger than zero") }
            argv += ["-I", "\(inode)"]
        }
        if let sectorsize {
            guard fstype == "ufs" else { throw CallError("sector size (-S) can only be set on ufs filesystems") }
            guard sectorsize > 0 else { throw CallError("sector size must be larger than zero") }
            argv += ["-S", "\(sectorsize)"]
        }
        if let label {
            switch fstype {
            case _ where isExt:
                guard label.bytes.count <= 16 else { throw CallError("\(label): ext2/3/4 labels are limited to 16 bytes") }
                argv += ["-L", label]
            case _ where isFat: argv += ["-n", label]
            case "ntfs", "btrfs": argv += ["-L", label]
            case "xfs":
                guard label.bytes.count <= 12 else { throw CallError("\(label): xfs labels are limited to 12 bytes") }
                argv += ["-L", label]
            case "f2fs": argv += ["-l", label]
            default: throw CallError("don't know how to set the label for '\(fstype)' filesystems")
            }
        }
        return argv + [ByteString(device)]
    }
}
