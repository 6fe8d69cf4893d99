// Finding the root device. Drivers probe asynchronously after their module loads, so the
// device may appear some time after init gets here: poll, with a back-off that starts at
// 5 ms (a fast boot should not wait long) and doubles to 200 ms, until the timeout.
import CInit

enum RootDevice {
    /// Block device kinds worth probing: SCSI CD-ROMs and disks, virtio disks, Xen disks.
    /// Whole devices only: the appliance root is a bare filesystem image.
    static let prefixes = ["sr", "sd", "vd", "xvd"]

    /// Returns the /dev path of the root device, or fails (powering off) after the timeout
    /// naming what it saw in the last round.
    @export(interface) static func wait(for spec: RootSpec, timeoutSeconds: Int, console: Console) -> String {
        let deadline = cinit_monotonic_ns() + Int64(timeoutSeconds) * 1_000_000_000
        var delayMs: UInt32 = 5
        while true {
            let (found, seen) = search(spec)
            if let device = found { return device }
            if cinit_monotonic_ns() >= deadline {
                let report = seen.isEmpty ? "no block devices" : "saw \(seen)"
                console.fail("root device \(spec.description) not found within \(timeoutSeconds)s (\(report))")
            }
            cinit_sleep_ms(delayMs)
            delayMs = min(delayMs * 2, 200)
        }
    }

    /// One round: the matching device if present, and a summary of what was looked at.
    @export(interface) private static func search(_ spec: RootSpec) -> (String?, String) {
        switch spec {
        case .path(let path):
            // Wait until the node exists and opens. A blocking open (no O_NONBLOCK) also
            // waits out a CD-ROM whose medium is not readable yet (ENOMEDIUM), which
            // mount would fail on.
            let fd = cinit_open_read(path)
            if fd < 0 { return (nil, "\(path): \(Errno(code: -fd).description)") }
            _ = cinit_close(fd)
            return (path, "")
        case .uuid(let wanted):
            var seen: [String] = []
            let names = (try? Files.list("/sys/block")) ?? []
            for name in names where prefixes.contains(where: { Array(name.utf8).hasPrefix($0) }) {
                let device = "/dev/\(name)"
                switch ext2UUID(of: device) {
                case .success(let uuid) where uuid == wanted: return (device, "")
                case .success(let uuid): seen.append("\(name): UUID=\(formatUUID(uuid))")
                case .failure(let problem): seen.append("\(name): \(problem.text)")
                }
            }
            return (nil, seen.joined(separator: ", "))
        }
    }

    /// Why a device did not yield a UUID; shown in the timeout message.
    struct Problem: Error { let text: String }

    /// The UUID in the ext2/3/4 superblock of `device`: the superblock starts at byte 1024,
    /// its magic 0xEF53 is at offset 0x38 and the 16-byte UUID at 0x68 (byte 0x468 of the
    /// device, where libguestfs reads it too).
    @export(interface) static func ext2UUID(of device: String) -> Result<[UInt8], Problem> {
        // O_NONBLOCK lets an empty CD-ROM drive open; the read then fails and we retry later.
        let fd = cinit_open_device(device)
        if fd < 0 { return .failure(Problem(text: Errno(code: -fd).description)) }
        defer { _ = cinit_close(fd) }
        var superblock = [UInt8](repeating: 0, count: 0x78)
        let count = superblock.withUnsafeMutableBytes { cinit_pread(fd, $0.baseAddress, $0.count, 1024) }
        if count < 0 { return .failure(Problem(text: Errno(code: Int32(-count)).description)) }
        if count < superblock.count { return .failure(Problem(text: "too small")) }
        if superblock[0x38] != 0x53 || superblock[0x39] != 0xEF { return .failure(Problem(text: "not ext2/3/4")) }
        return .success(Array(superblock[0x68..<0x78]))
    }
}
