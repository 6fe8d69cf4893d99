import Glibc
import GuestProtocol

/// resize2fs, resize2fs_size, resize2fs_M (daemon/ext2.c of libguestfs 1.48): an
/// unmounted filesystem is checked with e2fsck -f -y first, as resize2fs demands;
/// resize2fs's stderr is the error text.
extension Daemon {
    func doResize2fs(device: String) throws(CallError) {
        try resize2fs(device, [device])
    }

    func doResize2fsSize(device: String, size: Int64) throws(CallError) {
        guard size & 1023 == 0 else { throw CallError("\(size): size must be a round number of kilobytes") }
        try resize2fs(device, [device, "\(size / 1024)K"])
    }

    func doResize2fsM(device: String) throws(CallError) {
        try resize2fs(device, ["-M", device])
    }

    private func resize2fs(_ device: String, _ words: [String]) throws(CallError) {
        if try !isDeviceMounted(device) { try doE2fsck(device: device, correct: nil, forceall: true) }
        let r = try Subprocess.appliance(["resize2fs"] + words)
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
    }

    /// is_device_mounted: something at or under the sysroot is mounted from this device
    /// (the same device number).
    func isDeviceMounted(_ device: String) throws(CallError) -> Bool {
        var st = stat()
        guard stat(device, &st) == 0 else { throw CallError.perror("stat: \(device)", errno) }
        return mounts.table().contains { entry in
            var other = stat()
            return stat(entry.source, &other) == 0 && other.st_rdev == st.st_rdev
        }
    }
}
