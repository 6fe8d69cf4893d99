import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// The image being written: a sparse file under a temporary name beside the target,
/// renamed into place only when complete. All-zero blocks are never written, so they stay
/// holes; everything written (but the superblocks) feeds the content hash the UUID comes from.
final class Ext2ImageFile {
    let path: String
    let tempPath: String
    private var fd: Int32
    private(set) var bytesWritten = 0
    private(set) var hash = ContentHash()
    static let blockSize = Ext2Geometry.blockSize

    init(path: String, blocks: Int) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        tempPath = (dir.isEmpty ? "" : dir + "/") + ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BuildError.fromErrno("open", tempPath) }
        guard ftruncate(fd, off_t(blocks) * off_t(Self.blockSize)) == 0 else {
            let e = BuildError.fromErrno("ftruncate", tempPath)
            discard()
            throw e
        }
    }

    deinit { discard() }

    /// Writes whole blocks starting at block `block`, skipping the all-zero ones.
    func write(_ bytes: UnsafeRawBufferPointer, block: Int, hashed: Bool = true) throws {
        let bs = Self.blockSize
        let count = (bytes.count + bs - 1) / bs
        var runStart = -1
        for i in 0...count {
            let nonzero = i < count && !Self.isZero(UnsafeRawBufferPointer(rebasing: bytes[(i * bs)..<min(bytes.count, (i + 1) * bs)]))
            if nonzero {
                if runStart < 0 { runStart = i }
                if hashed {
                    hash.add(UInt64(block + i))
                    hash.add(UnsafeRawBufferPointer(rebasing: bytes[(i * bs)..<min(bytes.count, (i + 1) * bs)]))
                }
            } else if runStart >= 0 {
                try pwriteAll(UnsafeRawBufferPointer(rebasing: bytes[(runStart * bs)..<min(bytes.count, i * bs)]),
                              at: off_t(block + runStart) * off_t(bs))
                runStart = -1
            }
        }
    }

    func write(_ bytes: [UInt8], block: Int, hashed: Bool = true) throws {
        try bytes.withUnsafeBytes { try write($0, block: block, hashed: hashed) }
    }

    /// Bytes at a byte offset (the primary superblock sits 1024 bytes into block 0).
    func write(_ bytes: [UInt8], offset: Int) throws {
        try bytes.withUnsafeBytes { try pwriteAll($0, at: off_t(offset)) }
    }

    private func pwriteAll(_ bytes: UnsafeRawBufferPointer, at offset: off_t) throws {
        do throws(Errno) { try FileDescriptorIO.pwriteAll(fd, bytes, at: Int64(offset)) } catch {
            throw BuildError.io(call: "write", path: tempPath, errno: error.code)
        }
        bytesWritten += bytes.count
    }

    static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) != 0 { return false }
            i += 8
        }
        while i < n { if bytes[i] != 0 { return false }; i += 1 }
        return true
    }

    /// Closes and renames the image into place.
    func commit() throws {
        guard fd >= 0 else { throw BuildError.io(call: "close", path: tempPath, errno: EBADF) }
        let rc = close(fd)
        fd = -1
        guard rc == 0 else { let e = BuildError.fromErrno("close", tempPath); unlink(tempPath); throw e }
        guard rename(tempPath, path) == 0 else { let e = BuildError.fromErrno("rename", path); unlink(tempPath); throw e }
    }

    /// Closes and removes the unfinished image; nothing is left behind.
    func discard() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(tempPath)
    }
}

/// A fast 128-bit digest of the image's contents, eight bytes at a time. It names the
/// filesystem (UUID, hash seed), so it needs to be stable, not cryptographic.
struct ContentHash {
    private var a: UInt64 = 0x243F_6A88_85A3_08D3
    private var b: UInt64 = 0x1319_8A2E_0370_7344

    mutating func add(_ word: UInt64) {
        a = (a ^ word) &* 0x9E37_79B9_7F4A_7C15
        a = (a << 31) | (a >> 33)
        b = (b &+ word) &* 0xC2B2_AE3D_27D4_EB4F
        b = ((b << 27) | (b >> 37)) ^ a
    }

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        while i + 8 <= bytes.count {
            add(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        while i < bytes.count { tail = tail << 8 | UInt64(bytes[i]); i += 1 }
        add(tail ^ UInt64(bytes.count) << 56)
    }

    mutating func add(_ bytes: [UInt8]) { bytes.withUnsafeBytes { add($0) } }

    mutating func add(_ string: String) { add(Array(string.utf8)); add(UInt64(string.utf8.count)) }

    /// 16 bytes, finished with splitmix64's mixer so every input bit reaches every output bit.
    func digest(salt: UInt64) -> [UInt8] {
        func mix(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let hi = mix(a ^ salt ^ mix(b)), lo = mix(b ^ mix(hi ^ salt))
        return (0..<8).map { UInt8(truncatingIfNeeded: hi >> (8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: lo >> (8 * $0)) }
    }
}
