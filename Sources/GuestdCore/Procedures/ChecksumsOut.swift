import Glibc
import GuestProtocol
import SystemCalls

/// checksums_out (daemon/checksum.c of libguestfs 1.48): what `cd DIR && find -type f
/// -print0 | xargs -0 md5sum` (or cksum, sha*sum) prints, streamed to the client. Our
/// digests stand in for the tools; the lines are theirs: "HASH  ./PATH", a leading
/// backslash and escaped \\, \n, \r when the name holds one (coreutils 9), and cksum's
/// "CRC SIZE ./PATH" unescaped. Files in find's order: pre-order, readdir order.
extension Daemon {
    func doChecksumsOut(csumtype: ByteString, directory: ByteString) throws(CallError) -> Answer {
        let type = csumtype.description
        guard Checksum.named(type) != nil else {
            throw CallError("unknown checksum type, expecting crc|md5|sha1|sha224|sha256|sha384|sha512")
        }
        let st: stat
        do { st = try sysroot.statFollowing(directory) } catch { throw CallError.perror(directory, error.errno) }
        guard st.st_mode.isDirectory else { throw CallError("\(directory): not a directory") }
        let fd = try openDirectory(directory)
        return .fileOut { stream in
            defer { close(fd) }
            var failed = false
            try Tree.walk(fd, prefix: "./") { path in
                var entry = stat()
                guard fstatat(fd, path.cString, &entry, AT_SYMLINK_NOFOLLOW) == 0, entry.st_mode & S_IFMT == S_IFREG else { return }
                guard let line = Daemon.checksumLine(type, fd, path) else { failed = true; return }
                try stream.write(line)
            }
            // The pipeline's failure after the reply: the transfer is cancelled.
            if failed { try stream.abort() } else { try stream.finish() }
        }
    }

    /// One file's line, or nil when it cannot be read (the tool's complaint goes to its
    /// stderr and its exit status fails the pipeline).
    private static func checksumLine(_ type: String, _ dir: Int32, _ path: ByteString) -> [UInt8]? {
        guard var digest = Checksum.named(type) else { return nil }
        let file = openat(dir, path.cString, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var buf = [UInt8](repeating: 0, count: 65536)
        var size = 0
        while true {
            let n = FileDescriptorIO.read(file, into: &buf)
            guard n >= 0 else { return nil }
            if n == 0 { break }
            digest.update(buf[0 ..< n])
            size += n
        }
        let hash = Array(digest.finish().utf8)
        if type.lowercased() == "crc" { return hash + Array(" \(size) ".utf8) + path.bytes + [10] }
        let special: Set<UInt8> = [UInt8(ascii: "\\"), 10, 13]
        guard path.bytes.contains(where: special.contains) else { return hash + Array("  ".utf8) + path.bytes + [10] }
        var escaped: [UInt8] = []
        for b in path.bytes {
            switch b {
            case UInt8(ascii: "\\"): escaped += Array("\\\\".utf8)
            case 10: escaped += Array("\\n".utf8)
            case 13: escaped += Array("\\r".utf8)
            default: escaped.append(b)
            }
        }
        return [UInt8(ascii: "\\")] + hash + Array("  ".utf8) + escaped + [10]
    }
}
