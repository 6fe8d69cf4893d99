import Glibc
import GuestProtocol
import SystemCalls

/// The blockdev group (daemon/blockdev.c runs blockdev(8) for each): the same block
/// device ioctls, called directly. Errors read as blockdev's do, "blockdev: ioctl error on BLKRRPART: …".
extension Daemon {
    func doBlockdevSetro(device: String) throws(CallError) { try Self.setReadOnly(device, true) }

    func doBlockdevSetrw(device: String) throws(CallError) { try Self.setReadOnly(device, false) }

    func doBlockdevGetro(device: String) throws(CallError) -> Bool {
        var ro: Int32 = 0
        try Self.blockIoctl(device, Self.BLKROGET, "BLKROGET", &ro)
        return ro != 0
    }

    func doBlockdevGetbsz(device: String) throws(CallError) -> Int32 {
        var size: Int32 = 0
        try Self.blockIoctl(device, Self.BLKBSZGET, "BLKBSZGET", &size)
        return size
    }

    func doBlockdevGetsz(device: String) throws(CallError) -> Int64 {
        var bytes: UInt64 = 0
        try Self.blockIoctl(device, Self.BLKGETSIZE64, "BLKGETSIZE64", &bytes)
        return Int64(bytes / 512)
    }

    func doBlockdevFlushbufs(device: String) throws(CallError) {
        var unused: Int32 = 0
        try Self.blockIoctl(device, Self.BLKFLSBUF, "BLKFLSBUF", &unused)
    }

    func doBlockdevRereadpt(device: String) throws(CallError) {
        // The partition nodes are about to change: nothing cached may keep the old ones.
        syncDisks()
        var unused: Int32 = 0
        try Self.blockIoctl(device, Self.BLKRRPART, "BLKRRPART", &unused)
    }

    // <linux/fs.h>: _IO(0x12, n), and _IOR(0x12, n, size_t) for the 64-bit answers.
    private static let BLKROSET: UInt = 0x125D, BLKROGET: UInt = 0x125E, BLKRRPART: UInt = 0x125F
    private static let BLKFLSBUF: UInt = 0x1261, BLKBSZGET: UInt = 0x8008_1270, BLKGETSIZE64: UInt = 0x8008_1272

    private static func setReadOnly(_ device: String, _ on: Bool) throws(CallError) {
        var flag: Int32 = on ? 1 : 0
        try blockIoctl(device, BLKROSET, "BLKROSET", &flag)
    }

    private static func blockIoctl<T>(_ device: String, _ request: UInt, _ name: String, _ value: inout T) throws(CallError) {
        let fd = open(device, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CallError("blockdev: cannot open \(device): \(Errno(errno).text)", errno: errno) }
        defer { close(fd) }
        let r = withUnsafeMutablePointer(to: &value) { ioctl(fd, request, $0) }
        guard r == 0 else { throw CallError("blockdev: ioctl error on \(name): \(Errno(errno).text)", errno: errno) }
    }
}
