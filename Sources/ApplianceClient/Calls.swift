import Foundation
import GuestProtocol

/// The calls the library builds on its own side (ls, find, cat, write, readlinklist,
/// lstatnslist, canonical_device_name) and the streaming ones (download, tar_in,
/// tar_out); every plain procedure's typed call is generated (Generated/SessionCalls.swift).
extension Session {
    /// canonical_device_name is the library's own: /dev/hdX and /dev/vdX become /dev/sdX.
    public static func canonicalDeviceName(_ device: String) -> String {
        let b = Array(device.utf8)
        guard device.hasPrefix("/dev/"), !b[5...].contains(UInt8(ascii: "/")), b.count > 5, b[5] != UInt8(ascii: "m"),
              let d = b[5...].firstIndex(of: UInt8(ascii: "d")), d - 5 > 0, d - 5 <= 2 else { return device }
        return "/dev/sd" + String(decoding: b[(d + 1)...], as: UTF8.self)
    }

    /// `ls`, as the library builds it: ls0 streams NUL-terminated names, sorted here.
    public func ls(_ directory: String) throws -> [String] {
        var raw: [UInt8] = []
        try callFileOut(.ls0, { $0.string(directory) }) { raw += $0 }
        return raw.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    /// `find`, as the library builds it from find0, sorted.
    public func find(_ directory: String) throws -> [String] {
        var raw: [UInt8] = []
        try callFileOut(.find0, { $0.string(directory) }) { raw += $0 }
        return raw.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    /// Streams a file (or a device) of the appliance to `sink`, chunk by chunk.
    public func download(_ path: String, to sink: ([UInt8]) throws -> Void) throws {
        try callFileOut(.download, { $0.string(path) }, sink: sink)
    }

    /// download to a host file, or with "-" to `stdout`.
    public func download(_ path: String, toHost hostPath: String, _ stdout: (String) -> Void) throws {
        try fileOut(.download, { $0.string(path) }, toHost: hostPath, stdout)
    }

    /// Any FileOut procedure into a host file, or with "-" to `stdout`.
    public func fileOut(_ proc: Procedure, optargs: UInt64 = 0, _ encodeArgs: (inout XDREncoder) -> Void, toHost hostPath: String,
                        _ stdout: (String) -> Void) throws {
        if hostPath == "-" {
            try callFileOut(proc, optargs: optargs, encodeArgs) { stdout(String(decoding: $0, as: UTF8.self)) }
            return
        }
        // open(2) as guestfs_download does: the named file itself is truncated and written.
        // (createFile writes atomically, replacing a symlink, FIFO or device by a new
        // regular file and leaving hard links with the old bytes.)
        let fd = open(hostPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw ClientError.io(call: "open", path: hostPath, errno: errno) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? handle.close() }
        try callFileOut(proc, optargs: optargs, encodeArgs) { handle.write(Data($0)) }
    }

    /// `cat`/`read_file`: the whole file in memory.
    public func readFile(_ path: String) throws -> [UInt8] {
        var data: [UInt8] = []
        try download(path) { data += $0 }
        return data
    }

    /// `write`: small contents in one call (internal_write), larger ones by upload, as
    /// the library does.
    public func write(_ path: String, _ content: [UInt8]) throws {
        if content.count <= 2 << 20 { try internalWrite(path, content) }
        else { try upload(bytes: content, to: path) }
    }

    public func writeAppend(_ path: String, _ content: [UInt8]) throws {
        try internalWriteAppend(path, content)
    }

    /// readlinklist and lstatnslist go to the daemon 1000 names at a time, as the library does.
    public func readlinklist(_ dir: String, _ names: [String]) throws -> [String] {
        try stride(from: 0, to: names.count, by: 1000).flatMap { i in
            try internalReadlinklist(dir, Array(names[i ..< min(i + 1000, names.count)]))
        }
    }

    public func lstatnslist(_ dir: String, _ names: [String]) throws -> [StructValue] {
        try stride(from: 0, to: names.count, by: 1000).flatMap { i in
            try internalLstatnslist(dir, Array(names[i ..< min(i + 1000, names.count)]))
        }
    }

    /// tar_in: a host tar file ("-" for stdin) unpacked into a guest directory;
    /// `optionals` by index in tar_in's list (compress, xattrs, selinux, acls).
    public func tarIn(from hostPath: String, to directory: String, optionals: [Int: CallArgument] = [:]) throws {
        let (mask, encode) = Procedure.tarIn.encodeOptionals(optionals)
        try uploadFile(.tarIn, from: hostPath, optargs: mask) { $0.string(directory); encode(&$0) }
    }

    /// tar_out: a guest directory as a tar stream to `sink`; `optionals` by index in
    /// tar_out's list (compress, numericowner, excludes, xattrs, selinux, acls).
    public func tarOut(_ directory: String, optionals: [Int: CallArgument] = [:], to sink: ([UInt8]) throws -> Void) throws {
        let (mask, encode) = Procedure.tarOut.encodeOptionals(optionals)
        try callFileOut(.tarOut, optargs: mask, { $0.string(directory); encode(&$0) }, sink: sink)
    }
}
