// File and directory helpers over CInit, throwing Errno.
import CInit

enum Files {
    /// The whole content of a small file (/proc/cmdline, /modules/load-order).
    /// Reads until end of file: proc files report size 0, so stat cannot size the buffer.
    @export(interface) static func read(_ path: String) throws(Errno) -> [UInt8] {
        let fd = try Errno.check(cinit_open_read(path))
        defer { _ = cinit_close(fd) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try Errno.check(chunk.withUnsafeMutableBytes { cinit_read(fd, $0.baseAddress, $0.count) })
            if count == 0 { return content }
            content.append(contentsOf: chunk[0..<count])
        }
    }

    /// Names in a directory, without "." and "..".
    @export(interface) static func list(_ path: String) throws(Errno) -> [String] {
        var error: Int32 = 0
        guard let dir = cinit_opendir(path, &error) else { throw Errno(code: -error) }
        defer { cinit_closedir(dir) }
        var names: [String] = []
        while let name = cinit_readdir(dir) { names.append(String(cString: name)) }
        return names
    }

    /// lstat(2): the entry itself, symlinks not followed.
    @export(interface) static func status(_ path: String) throws(Errno) -> cinit_stat {
        var st = cinit_stat()
        try Errno.check(cinit_lstat(path, &st))
        return st
    }

    /// stat(2): follows symlinks.
    @export(interface) static func followedStatus(_ path: String) throws(Errno) -> cinit_stat {
        var st = cinit_stat()
        try Errno.check(cinit_stat(path, &st))
        return st
    }

    @export(interface) static func isDirectory(_ path: String) -> Bool {
        guard let st = try? followedStatus(path) else { return false }
        return cinit_is_dir(st.mode) != 0
    }

    /// mkdir that accepts an existing directory.
    @export(interface) static func makeDirectory(_ path: String) throws(Errno) {
        let result = cinit_mkdir(path, 0o755)
        if result < 0 && -result != cinit_EEXIST { throw Errno(code: -result) }
    }
}

/// Byte-level helpers: parsing works on [UInt8] because Embedded Swift's String comparison
/// needs the Unicode tables, which this static binary does not link.
extension Array where Element == UInt8 {
    /// Splits on any of the given separators, dropping empty pieces.
    @export(interface) func words(separatedBy separators: [UInt8]) -> [[UInt8]] {
        split(whereSeparator: { separators.contains($0) }).map { Array($0) }
    }

    @export(interface) func hasPrefix(_ prefix: String) -> Bool {
        starts(with: prefix.utf8)
    }

    /// The bytes after `prefix`, or nil when self does not start with it.
    @export(interface) func dropping(prefix: String) -> [UInt8]? {
        hasPrefix(prefix) ? Array(self[prefix.utf8.count...]) : nil
    }

    var string: String {
        @export(interface) get { String(decoding: self, as: UTF8.self) }
    }
}

/// Whitespace as the kernel command line and text files use it.
let whitespace: [UInt8] = [0x20, 0x09, 0x0A, 0x0D]  // space, tab, newline, carriage return
