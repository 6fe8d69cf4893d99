import Foundation

/// A built appliance: libguestfs's *fixed appliance* layout (`kernel`, `initrd`, `root`,
/// `README.fixed`), so `LIBGUESTFS_PATH=<directory>` makes libguestfs boot it too.
public struct Appliance: Sendable, Equatable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public var kernel: String { directory + "/kernel" }
    public var initrd: String { directory + "/initrd" }
    public var root: String { directory + "/root" }
    public var readmeFixed: String { directory + "/README.fixed" }
    /// Each boot module with its dependencies in load order: `name: dep … name` per line.
    public var bootModules: String { directory + "/boot-modules" }
    /// Our own record of the inputs it was built from; written last, so its presence
    /// marks a complete appliance.
    public var stamp: String { directory + "/stamp" }

    /// The ext2 UUID at byte 0x468 of the root, as libguestfs reads it for `root=UUID=`.
    public func rootUUID() throws -> String {
        guard let fh = FileHandle(forReadingAtPath: root) else {
            throw BuildError.io(call: "open", path: root, errno: errno)
        }
        defer { try? fh.close() }
        try fh.seek(toOffset: 1024)
        let sb = [UInt8](fh.readData(ofLength: 136))
        guard sb.count == 136, sb[0x38] == 0x53, sb[0x39] == 0xEF else {
            throw BuildError.format(path: root, reason: "no ext2 superblock")
        }
        return Self.formatUUID(Array(sb[0x68 ..< 0x78]))
    }

    /// The modules init must load for these top-level boot modules (dependencies first,
    /// no repeats), or nil when the appliance has no index (then init loads them all).
    public func bootModuleClosure(_ tops: [String]) -> [String]? {
        guard let text = try? String(contentsOfFile: bootModules, encoding: .utf8) else { return nil }
        var closures: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            closures[String(parts[0])] = parts[1].split(separator: " ").map(String.init)
        }
        var seen = Set<String>(), order: [String] = []
        for top in tops {
            for m in closures[top] ?? [] where seen.insert(m).inserted { order.append(m) }
        }
        return order
    }

    static func formatUUID(_ b: [UInt8]) -> String {
        let hex = b.map { String(format: "%02x", $0) }.joined()
        let s = Array(hex)
        return [s[0 ..< 8], s[8 ..< 12], s[12 ..< 16], s[16 ..< 20], s[20 ..< 32]].map { String($0) }.joined(separator: "-")
    }
}
