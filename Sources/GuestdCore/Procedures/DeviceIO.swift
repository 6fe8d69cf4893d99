import Glibc
import GuestProtocol

/// Raw device I/O (daemon/file.c, zero.c, copy.c, blkdiscard.c of libguestfs
/// 1.48): pread_device, pwrite_device, zero_device, the four copy_*_to_* calls,
/// blkdiscard, blkdiscardzeroes. virt-resize copies partitions with
/// copy_device_to_device and the boot loader area with pread/pwrite_device.
extension Daemon {
    func doPreadDevice(device: String, count: Int32, offset: Int64) throws(CallError) -> [UInt8] {
        let fd = open(device, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CallError.perror("open: \(device)", errno) }
        defer { close(fd) }
        guard count >= 0 else { throw CallError("count is negative") }
        guard offset >= 0 else { throw CallError("offset is negative") }
        guard count < Int32(Guestfs.messageMax) else { throw CallError("\(device): count is too large for the protocol, use smaller reads") }
        var buf = [UInt8](repeating: 0, count: Int(count))
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(count), off_t(offset)) }
        guard n >= 0 else { throw CallError.perror("pread: \(device)", errno) }
        return Array(buf[0 ..< n])
    }

    func doPwriteDevice(device: String, content: [UInt8], offset: Int64) throws(CallError) -> Int32 {
        guard offset >= 0 else { throw CallError("offset is negative") }
        let fd = open(device, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CallError.perror("open: \(device)", errno) }
        return try Daemon.pwriteOnce(fd, content, offset: offset, ByteString(device))
    }

    /// Every byte zero, each 4 KiB block written only where it is not zero already (so a
    /// sparse image stays sparse), with progress.
    func doZeroDevice(device: String) throws(CallError) {
        let size = try doBlockdevGetsize64(device: device)
        let fd = open(device, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw CallError.perror(ByteString(device), errno) }
        let block = 1 << 20
        var buf = [UInt8](repeating: 0, count: block)
        let zeroes = [UInt8](repeating: 0, count: block)
        var pos: Int64 = 0
        while pos < size {
            let n = Int(min(Int64(block), size - pos))
            let r = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n, off_t(pos)) }
            guard r >= 0 else {
                let e = errno
                close(fd)
                throw CallError.perror("pread: \(device) at offset \(pos)", e)
            }
            // Checked and written 4 KiB at a time, as the real loop does, so the holes
            // stay the same.
            var at = 0
            while at < n {
                let len = min(4096, n - at)
                if !buf.withUnsafeBytes({ ZeroBlocks.isZero(UnsafeRawBufferPointer(rebasing: $0[at ..< at + len])) }),
                   zeroes.withUnsafeBytes({ pwrite(fd, $0.baseAddress, len, off_t(pos) + off_t(at)) }) != len {
                    let e = errno
                    close(fd)
                    throw CallError.perror("pwrite: \(device) (with \(size) bytes left to write)", e)
                }
                at += len
            }
            pos += Int64(n)
            try? progress.notify(position: UInt64(pos), total: UInt64(size))
        }
        guard close(fd) == 0 else { throw CallError.perror("close: \(device)", errno) }
    }

    func doCopyDeviceToDevice(src: String, dest: String, srcoffset: Int64?, destoffset: Int64?, size: Int64?, sparse: Bool?, append: Bool?) throws(CallError) {
        guard append != true else { throw CallError("the append flag cannot be set for this call") }
        let range = try CopyRange(srcoffset, destoffset, size, sparse)
        try copy(range, from: .device(src), to: .device(dest))
    }

    func doCopyDeviceToFile(src: String, dest: ByteString, srcoffset: Int64?, destoffset: Int64?, size: Int64?, sparse: Bool?, append: Bool?) throws(CallError) {
        let range = try CopyRange(srcoffset, destoffset, size, sparse)
        try copy(range, from: .device(src), to: .file(dest, append: append ?? false, unlinkOnFailure: false))
    }

    func doCopyFileToDevice(src: ByteString, dest: String, srcoffset: Int64?, destoffset: Int64?, size: Int64?, sparse: Bool?, append: Bool?) throws(CallError) {
        guard append != true else { throw CallError("the append flag cannot be set for this call") }
        let range = try CopyRange(srcoffset, destoffset, size, sparse)
        try copy(range, from: .file(src, append: false, unlinkOnFailure: false), to: .device(dest))
    }

    func doCopyFileToFile(src: ByteString, dest: ByteString, srcoffset: Int64?, destoffset: Int64?, size: Int64?, sparse: Bool?, append: Bool?) throws(CallError) {
        let range = try CopyRange(srcoffset, destoffset, size, sparse)
        try copy(range, from: .file(src, append: false, unlinkOnFailure: false), to: .file(dest, append: append ?? false, unlinkOnFailure: true))
    }

    /// BLKDISCARD over the whole device: the host image gets its space back where qemu
    /// passes discards through (discard=unmap).
    func doBlkdiscard(device: String) throws(CallError) {
        let size = try doBlockdevGetsize64(device: device)
        let fd = open(device, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CallError.perror("open: \(device)", errno) }
        defer { close(fd) }
        var range: [UInt64] = [0, UInt64(size)]
        guard ioctl(fd, Daemon.BLKDISCARD, &range) == 0 else { throw CallError.perror("ioctl: \(device): BLKDISCARD", errno) }
    }

    func doBlkdiscardzeroes(device: String) throws(CallError) -> Bool {
        let fd = open(device, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CallError.perror("open: \(device)", errno) }
        defer { close(fd) }
        var zeroes: UInt32 = 0
        guard ioctl(fd, Daemon.BLKDISCARDZEROES, &zeroes) == 0 else {
            throw CallError.perror("ioctl: \(device): BLKDISCARDZEROES", errno)
        }
        return zeroes != 0
    }

    /// _IO(0x12, 119) and _IO(0x12, 124), which Swift's Glibc module does not export.
    static let BLKDISCARD: UInt = 0x1277
    static let BLKDISCARDZEROES: UInt = 0x127c
}
