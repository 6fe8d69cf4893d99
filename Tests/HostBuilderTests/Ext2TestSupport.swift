import Foundation
import XCTest
@testable import HostBuilder

/// splitmix64: a tiny seeded generator so random trees are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// lsetxattr through dlsym (the Glibc module does not import <sys/xattr.h>).
func setXattr(_ path: String, _ name: String, _ value: [UInt8]) throws {
    typealias SetFn = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    let f = unsafeBitCast(dlsym(nil, "lsetxattr")!, to: SetFn.self)
    guard value.withUnsafeBytes({ f(path, name, $0.baseAddress, value.count, 0) }) == 0 else {
        throw BuildError.fromErrno("lsetxattr", path)
    }
}

/// What `debugfs -R "stat PATH"` says about an inode.
struct DebugfsStat: Equatable {
    var type = "", mode = 0, uid = 0, gid = 0, links = 0, size: UInt64 = 0
    var mtime = "", fastLink: String?, device: String?, inode = 0
}

enum Debugfs {
    /// Runs debugfs with one command per line and returns each command's output.
    static func run(_ image: String, _ commands: [String]) throws -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dbg-\(UUID().uuidString)").path
        try commands.joined(separator: "\n").write(toFile: dir, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = String(decoding: try runTool(["debugfs", "-f", dir, image]), as: UTF8.self)
        return out.components(separatedBy: "debugfs: ").dropFirst().map { String($0) }
    }

    static func quote(_ path: String) -> String { "\"\(path)\"" }

    static func stats(_ image: String, _ paths: [String]) throws -> [String: DebugfsStat] {
        let outputs = try run(image, paths.map { "stat \(quote($0))" })
        var result: [String: DebugfsStat] = [:]
        for (path, text) in zip(paths, outputs) { result[path] = parse(text) }
        return result
    }

    static func parse(_ text: String) -> DebugfsStat {
        var s = DebugfsStat()
        func field(_ name: String, _ line: String) -> String? {
            guard let r = line.range(of: name + ":") else { return nil }
            return line[r.upperBound...].split(separator: " ").first.map(String.init)
        }
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("Inode:") {
                s.inode = Int(field("Inode", line) ?? "") ?? 0
                s.type = line.components(separatedBy: "Type: ")[1].components(separatedBy: "   ")[0].trimmingCharacters(in: .whitespaces)
                s.mode = Int(field("Mode", line) ?? "", radix: 8) ?? -1
            } else if line.hasPrefix("User:") {
                s.uid = Int(field("User", line) ?? "") ?? -1
                s.gid = Int(field("Group", line) ?? "") ?? -1
                s.size = UInt64(field("Size", line) ?? "") ?? 0
            } else if line.hasPrefix("Links:") {
                s.links = Int(field("Links", line) ?? "") ?? -1
            } else if line.hasPrefix(" mtime:") {
                s.mtime = field(" mtime", line) ?? ""
            } else if line.hasPrefix("Fast link dest: ") {
                s.fastLink = String(line.dropFirst("Fast link dest: \"".count).dropLast())
            } else if line.contains("Device major/minor number:") {
                // "01:03 (hex 01:03)" or "300:70000 (hex …)", decimal either way.
                let pair = line.components(separatedBy: "number: ")[1].split(separator: " ")[0].split(separator: ":")
                s.device = "\(Int(pair[0]) ?? -1):\(Int(pair[1]) ?? -1)"
            }
        }
        return s
    }
}

/// The expected debugfs view of a host entry.
func expectedStat(host: String) throws -> DebugfsStat {
    var st = stat()
    guard lstat(host, &st) == 0 else { throw BuildError.fromErrno("lstat", host) }
    var s = DebugfsStat()
    switch st.st_mode & S_IFMT {
    case S_IFDIR: s.type = "directory"
    case S_IFREG: s.type = "regular"; s.size = UInt64(st.st_size)
    case S_IFLNK: s.type = "symlink"; s.size = UInt64(st.st_size)
        let target = try Ext2Manifest.readSymlink(host)
        if target.utf8.count < 60 { s.fastLink = target }
    case S_IFCHR: s.type = "character special"
    case S_IFBLK: s.type = "block special"
    case S_IFIFO: s.type = "FIFO"
    case S_IFSOCK: s.type = "socket"
    default: break
    }
    if st.st_mode & S_IFMT == S_IFCHR || st.st_mode & S_IFMT == S_IFBLK {
        s.device = "\(Ext2Manifest.major(st.st_rdev)):\(Ext2Manifest.minor(st.st_rdev))"
    }
    s.mode = Int(st.st_mode & 0o7777)
    s.uid = Int(st.st_uid)
    s.gid = Int(st.st_gid)
    s.links = Int(st.st_nlink)
    let (sec, extra) = Ext2Inode.split(Ext2Time(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: UInt32(st.st_mtim.tv_nsec)))
    s.mtime = String(format: "0x%08x:%08x", sec, extra)
    return s
}

/// Every path under `root` (image form, "/a/b"), parents before children.
func walkTree(_ root: String) throws -> [String] {
    var out: [String] = []
    var stack = [""]
    while let dir = stack.popLast() {
        for name in try Ext2Manifest.listDirectory(root + dir) {
            let p = dir + "/" + name
            out.append(p)
            var st = stat()
            lstat(root + p, &st)
            if st.st_mode & S_IFMT == S_IFDIR { stack.append(p) }
        }
    }
    return out
}

/// Compares the tree debugfs dumped with the source: names, file bytes, symlink targets.
/// rdump skips device nodes, FIFOs and sockets, so those are checked through stat.
func assertSameContents(source: String, dumped: String, file: StaticString = #filePath, line: UInt = #line) throws {
    for p in try walkTree(source) {
        var st = stat()
        lstat(source + p, &st)
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            let a = FileHandle(forReadingAtPath: source + p), b = FileHandle(forReadingAtPath: dumped + p)
            XCTAssertNotNil(b, "\(p) missing from the dump", file: file, line: line)
            guard let a, let b else { continue }
            while true {
                let x = a.readData(ofLength: 1 << 20), y = b.readData(ofLength: 1 << 20)
                if x != y { XCTFail("\(p) differs", file: file, line: line); break }
                if x.isEmpty { break }
            }
        case S_IFLNK:
            XCTAssertEqual(try? Ext2Manifest.readSymlink(dumped + p), try Ext2Manifest.readSymlink(source + p), p, file: file, line: line)
        case S_IFDIR:
            var d = stat()
            XCTAssertEqual(lstat(dumped + p, &d), 0, "\(p) missing from the dump", file: file, line: line)
        default: break
        }
    }
}
