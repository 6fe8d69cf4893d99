import Foundation
import XCTest
@testable import HostBuilder

/// Builds a random host tree of every kind ext2 holds, from a seed.
struct RandomTree {
    var rng: SeededGenerator
    let root: String
    private(set) var paths: [String] = []
    /// Entries of the huge directory, left out of per-entry stat checks but for a sample.
    private(set) var hugeDir = ""

    init(root: String, seed: UInt64) {
        self.root = root
        rng = SeededGenerator(state: seed)
    }

    mutating func name() -> String {
        let alphabets = ["abcdefghijklmnopqrstuvwxyz0123456789_-.", "äöüéèñçßø", "日本語中文한국어", "🙂🚀λΩж"]
        let length = Int.random(in: 1...24, using: &rng)
        var s = ""
        for _ in 0..<length {
            let a = Array(alphabets[Int.random(in: 0..<(Int.random(in: 0..<4, using: &rng) == 0 ? 4 : 1), using: &rng)])
            s.append(a[Int.random(in: 0..<a.count, using: &rng)])
        }
        return s == "." || s == ".." ? "dot" : s
    }

    mutating func bytes(_ n: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: n)
        var i = 0
        while i < n {
            let word = rng.next()
            for k in 0..<8 where i + k < n { out[i + k] = UInt8(truncatingIfNeeded: word >> (8 * k)) }
            i += 8
        }
        return out
    }

    mutating func times(_ path: String) {
        let choices: [Int64] = [0, 1_000_000_000, 1_700_000_000, Int64(UInt32.max) + 12345, -86400 * 365]
        let sec = choices[Int.random(in: 0..<choices.count, using: &rng)] + Int64.random(in: 0..<1000, using: &rng)
        let ts = timespec(tv_sec: Int(sec), tv_nsec: Int.random(in: 0..<1_000_000_000, using: &rng))
        var both = [ts, ts]
        utimensat(AT_FDCWD, path, &both, AT_SYMLINK_NOFOLLOW)
    }

    mutating func owner(_ path: String) {
        let ids: [UInt32] = [0, 1, 1000, 65534, 70000, 4_000_000]
        lchown(path, ids[Int.random(in: 0..<ids.count, using: &rng)], ids[Int.random(in: 0..<ids.count, using: &rng)])
    }

    /// Fills the tree: nested folders, files of boundary sizes, every special kind, hard
    /// links, xattrs, odd modes, long and non-ASCII names, and a folder of `hugeCount` entries.
    mutating func build(hugeCount: Int) throws {
        var dirs = [""]
        // A chain 40 levels deep, then random folders.
        var deep = ""
        for _ in 0..<40 { deep += "/" + String(name().prefix(6)) + "d"; try makeDirectory(root + deep); dirs.append(deep) }
        for _ in 0..<25 {
            let parent = dirs[Int.random(in: 0..<dirs.count, using: &rng)]
            let d = parent + "/" + name() + "D"
            if mkdir(root + d, 0o755) == 0 { dirs.append(d) }
        }
        let bs = 4096
        let sizes = [0, 1, bs - 1, bs, bs + 1, 12 * bs, 12 * bs + 1, 100_000, (12 + 1024) * bs + 7, 300_000]
        var files: [String] = []
        for i in 0..<120 {
            let dir = dirs[Int.random(in: 0..<dirs.count, using: &rng)]
            let p = dir + "/" + name() + "f\(i)"
            let size = i < sizes.count ? sizes[i] : Int.random(in: 0..<20_000, using: &rng)
            var data = bytes(size)
            if size > 3 * bs, i % 3 == 0 { for k in bs..<(2 * bs) { data[k] = 0 } }  // an all-zero block inside data
            try writeFile(root + p, data)
            files.append(p)
        }
        // A 255-byte name and a name of every script.
        try writeFile(root + "/" + String(repeating: "L", count: 255), [1, 2, 3])
        try writeFile(root + "/ünïcødé 日本語 🙂 name", Array("hi".utf8))
        // Symlinks: fast, exactly 59 and 60 bytes, slow, dangling.
        for target in ["f", String(repeating: "t", count: 59), String(repeating: "u", count: 60), String(repeating: "s/", count: 1000) + "x", "/nowhere/at/all"] {
            let p = "/" + name() + "-link\(target.count)"
            XCTAssertEqual(symlink(target, root + p), 0)
        }
        // Hard links: three names for one file, across folders.
        let linked = files[5]
        for k in 0..<2 {
            let dir = dirs[Int.random(in: 0..<dirs.count, using: &rng)]
            XCTAssertEqual(link(root + linked, root + dir + "/hardlink\(k)"), 0)
        }
        // Special files: old and new device encodings, FIFO, socket.
        XCTAssertEqual(mknod(root + "/null", S_IFCHR | 0o666, hostDevice(1, 3)), 0)
        XCTAssertEqual(mknod(root + "/bigdev", S_IFBLK | 0o660, hostDevice(259, 1_048_000)), 0)
        XCTAssertEqual(mknod(root + "/fifo", S_IFIFO | 0o644, 0), 0)
        XCTAssertEqual(mknod(root + "/socket", S_IFSOCK | 0o755, 0), 0)
        // Modes with setuid, setgid, sticky.
        let modes: [mode_t] = [0o4755, 0o2755, 0o6711, 0o1777, 0o600, 0o000, 0o444]
        for (i, f) in files.prefix(modes.count * 2).enumerated() where f != linked {
            chmod(root + f, modes[i % modes.count])
        }
        chmod(root + dirs[1], 0o1777)
        chmod(root + dirs[2], 0o2775)
        // xattrs: a file capability, user attributes, identical sets that share one block.
        let cap: [UInt8] = [0, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        try setXattr(root + files[1], "security.capability", cap)
        try setXattr(root + files[1], "user.comment", Array("a capability".utf8))
        for f in files[10..<14] { try setXattr(root + f, "user.shared", [1, 2, 3, 4, 5]) }
        try setXattr(root + dirs[3], "user.dir", bytes(300))
        try setXattr(root + files[20], "trusted.big", bytes(2000))
        try setXattr(root + files[20], "user.empty", [])

        // The huge folder: names of random length, some at the 255-byte limit.
        hugeDir = "/huge"
        try makeDirectory(root + hugeDir)
        for i in 0..<hugeCount {
            let n = i % 97 == 0 ? String(repeating: "n", count: 250) + String(format: "%05d", i) : "e\(i)-" + String(repeating: "x", count: i % 40)
            let fd = open(root + hugeDir + "/" + n, O_CREAT | O_WRONLY, 0o644)
            close(fd)
        }

        for p in try walkTree(root) {
            owner(root + p)
            times(root + p)
            paths.append(p)
        }
    }
}

/// glibc's makedev (a macro the Glibc module does not carry).
func hostDevice(_ major: UInt64, _ minor: UInt64) -> dev_t {
    dev_t((minor & 0xFF) | ((major & 0xFFF) << 8) | ((minor & ~0xFF) << 12) | ((major & ~0xFFF) << 32))
}
