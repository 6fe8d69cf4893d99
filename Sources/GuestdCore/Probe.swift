import CBlkid
import Glibc

/// Filesystem type by libblkid's superblock probe, as `blkid -o value -s TYPE` answers
/// vfs_type in the real daemon.
enum Probe {
    /// The TYPE of the device's content; "" when nothing (or something ambiguous) is found.
    static func filesystemType(_ device: String) throws(SysError) -> String {
        errno = 0
        guard let pr = blkid_new_probe_from_filename(device) else {
            throw SysError("blkid", device, errno: errno == 0 ? EIO : errno)
        }
        defer { blkid_free_probe(pr) }
        blkid_probe_enable_superblocks(pr, 1)
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE)
        let rc = blkid_do_safeprobe(pr)
        // 1: nothing found, -2: more than one filesystem signature (blkid says nothing).
        if rc == 1 || rc == -2 { return "" }
        guard rc == 0 else { throw SysError("blkid_do_safeprobe", device, errno: errno == 0 ? EIO : errno) }
        var value: UnsafePointer<CChar>?
        guard blkid_probe_lookup_value(pr, "TYPE", &value, nil) == 0, let value else { return "" }
        return String(cString: value)
    }
}
