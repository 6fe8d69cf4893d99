import Glibc

/// What makes a restored appliance a fresh one: clones of one saved state would otherwise
/// share the kernel's random state and a clock stopped at the moment of the save.
enum Freshness {
    /// CLOCK_REALTIME from the host's clock.
    static func setClock(seconds: Int64, nanoseconds: Int64) throws(SysError) {
        var t = timespec(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds))
        guard clock_settime(CLOCK_REALTIME, &t) == 0 else { throw SysError("clock_settime", "CLOCK_REALTIME") }
    }

    /// Mixes the host's random bytes into the input pool, credited (RNDADDENTROPY), then
    /// reseeds the CRNG at once (RNDRESEEDCRNG) instead of at its next periodic reseed.
    static func reseed(with bytes: [UInt8]) throws(SysError) {
        let fd = open("/dev/random", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SysError("open", "/dev/random") }
        defer { close(fd) }
        // struct rand_pool_info { int entropy_count; int buf_size; __u32 buf[]; }
        var info = [UInt8](repeating: 0, count: 8 + bytes.count)
        withUnsafeBytes(of: Int32(bytes.count * 8).littleEndian) { info.replaceSubrange(0 ..< 4, with: $0) }
        withUnsafeBytes(of: Int32(bytes.count).littleEndian) { info.replaceSubrange(4 ..< 8, with: $0) }
        info.replaceSubrange(8..., with: bytes)
        let addEntropy: UInt = 0x4008_5203  // _IOW('R', 0x03, int[2])
        let reseedCRNG: UInt = 0x5207       // _IO('R', 0x07)
        guard info.withUnsafeMutableBytes({ ioctl(fd, addEntropy, $0.baseAddress!) }) == 0 else {
            throw SysError("ioctl RNDADDENTROPY", "/dev/random")
        }
        guard ioctl(fd, reseedCRNG) == 0 else { throw SysError("ioctl RNDRESEEDCRNG", "/dev/random") }
    }
}
