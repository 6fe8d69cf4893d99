import Glibc

/// is_zero of the real daemon, fast enough for whole disks: memcmp against a page of
/// zeroes (a closure per byte costs minutes per disk in a debug build under TCG).
enum ZeroBlocks {
    private static let page = [UInt8](repeating: 0, count: 65536)

    static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var at = 0
        while at < bytes.count {
            let n = min(page.count, bytes.count - at)
            let same = page.withUnsafeBytes { memcmp(bytes.baseAddress! + at, $0.baseAddress!, n) == 0 }
            guard same else { return false }
            at += n
        }
        return true
    }
}
