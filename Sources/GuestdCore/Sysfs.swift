import Glibc
import GuestProtocol

/// Small readers for sysfs and directory entries, shared by discovery and devices.
enum DirEntry {
    static func name(_ entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: &entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
    }

    /// The bytes of a name, for names that may not be UTF-8 (guest filenames).
    static func rawName(_ entry: UnsafeMutablePointer<dirent>) -> ByteString {
        withUnsafeBytes(of: &entry.pointee.d_name) { ByteString($0.prefix { $0 != 0 }) }
    }

    /// Names in a directory, without "." and ".."; empty if it cannot be read.
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let n = name(entry)
            if n != "." && n != ".." { names.append(n) }
        }
        return names
    }
}

/// The first line of a small sysfs/proc file, without its newline; nil if unreadable.
func readSysfsLine(_ path: String, capacity: Int = 512) -> String? {
    guard let f = fopen(path, "re") else { return nil }
    defer { fclose(f) }
    var buf = [CChar](repeating: 0, count: capacity)
    guard fgets(&buf, Int32(buf.count), f) != nil else { return nil }
    var line = String(nulTerminated: buf)
    while line.hasSuffix("\n") { line.removeLast() }
    return line
}
