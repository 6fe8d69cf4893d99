import Glibc
import GuestProtocol

/// FileOut procedures: ls0 and download. Each opens its source first, so a failure is
/// still an error reply; once the OK reply is out, a failure can only cancel the stream.
struct Files {
    let sysroot: Sysroot

    /// ls0: every name in the directory but "." and "..", each followed by NUL, in
    /// readdir order (the library sorts).
    func ls0(_ path: String) throws(CallError) -> Answer {
        let fd: Int32
        do { fd = try sysroot.open(path, flags: O_RDONLY | O_DIRECTORY) } catch { throw CallError.perror("opendir: \(path)", error.errno) }
        guard let dir = fdopendir(fd) else {
            let e = errno
            close(fd)
            throw CallError.perror("opendir: \(path)", e)
        }
        return .fileOut { stream in
            defer { closedir(dir) }
            while true {
                errno = 0
                guard let entry = readdir(dir) else { break }
                let name = DirEntry.rawName(entry)
                if name == [46] || name == [46, 46] { continue }
                try stream.write(name + [0])
            }
            if errno != 0 {
                Console.write("\(SysError("readdir", path))")
                try stream.abort()
                return
            }
            try stream.finish()
        }
    }

    /// download of an opened file or device: its bytes in chunks, with progress.
    func download(fd: Int32, name: String, isDevice: Bool) throws(CallError) -> Answer {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw CallError.perror("fstat: \(name)", e)
        }
        guard st.st_mode & S_IFMT != S_IFDIR else {
            close(fd)
            throw CallError("\(name): is a directory")
        }
        var total = UInt64(max(st.st_size, 0))
        if isDevice {
            let end = lseek(fd, 0, SEEK_END)
            total = UInt64(max(end, 0))
            _ = lseek(fd, 0, SEEK_SET)
        }
        return .fileOut { stream in
            defer { close(fd) }
            var buf = [UInt8](repeating: 0, count: Guestfs.maxChunkSize)
            var sent: UInt64 = 0
            while true {
                let r = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if r < 0 && errno == EINTR { continue }
                if r < 0 {
                    Console.write("\(SysError("read", name))")
                    try stream.abort()
                    return
                }
                if r == 0 { break }
                try stream.write(buf[0 ..< r])
                try stream.flush()
                sent += UInt64(r)
                try stream.notifyProgress(position: sent, total: total)
            }
            try stream.finish()
        }
    }
}
