import Foundation
import SystemCalls

/// Where appliances are kept, and the key that says whether one is still good.
public enum Cache {
    /// Bumped whenever the builder's output changes for the same inputs.
    public static let builderVersion = "appliance-builder-8"

    /// `$APPLIANCE_CACHE`, else `/var/tmp/appliance-$UID` (a per-user folder that
    /// survives reboots, as supermin's cache does).
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["APPLIANCE_CACHE"], !dir.isEmpty { return dir }
        return "/var/tmp/appliance-\(getuid())"
    }

    /// A fingerprint of a file (a symlink itself, not its target) from one lstat: size, mtime and inode, never its bytes.
    static func fingerprint(_ path: String) throws -> String {
        var st = stat()
        guard lstat(path, &st) == 0 else { throw BuildError.io(call: "lstat", path: path, errno: errno) }
        return "\(path) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(st.st_ino)"
    }

    /// Fingerprints of every entry under a folder, in a stable order.
    static func treeFingerprint(_ root: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var lines: [String] = []
        for case let rel as String in walker { lines.append(try fingerprint(root + "/" + rel)) }
        return lines.sorted()
    }

    /// FNV-1a, 64 bits, twice with different offsets: a cache key, not a security boundary.
    public static func digest(_ lines: [String]) -> String {
        var a: UInt64 = 0xCBF2_9CE4_8422_2325, b: UInt64 = 0x6C62_272E_07BB_0142
        for byte in lines.joined(separator: "\n").utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01B3
            b = (b ^ UInt64(byte)) &* 0x100_0000_01B3 &+ 1
        }
        return String(format: "%016llx%016llx", a, b)
    }
}

/// An exclusive flock(2) on a file in the cache folder, so two builders never write the
/// same appliance at once; the second waits and then finds the first one's result.
final class CacheLock {
    private let fd: Int32

    init(directory: String) throws {
        let path = directory + "/.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BuildError.io(call: "open", path: path, errno: errno) }
        guard retryingEINTR({ flock(fd, LOCK_EX) }) == 0 else {
            let e = errno
            close(fd)
            throw BuildError.io(call: "flock", path: path, errno: e)
        }
    }

    deinit { close(fd) }
}
