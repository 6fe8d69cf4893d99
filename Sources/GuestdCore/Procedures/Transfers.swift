import Glibc
import GuestProtocol
import SystemCalls

/// FileIn and FileOut procedures: upload, download (at an offset too), ls0. Each opens its target first,
/// so a failure is still an error reply (a FileIn's chunks are cancelled first); once a
/// FileOut's OK reply is out, a failure can only cancel the stream.
extension Daemon {
    func doUpload(remotefilename: ByteString, fileIn: FileInReceiver?) throws(CallError) {
        try upload(remotefilename, fileIn: fileIn, stub: Procedure.upload.stub)
    }

    func doDownload(remotefilename: ByteString) throws(CallError) -> Answer {
        try download(remotefilename)
    }

    func doLs0(dir: ByteString) throws(CallError) -> Answer {
        try ls0(dir)
    }

    /// upload: a device node or a guest file, created or truncated (mode 0666 less the
    /// umask), written chunk by chunk with progress when the library gave a size hint.
    private func upload(_ path: ByteString, fileIn: FileInReceiver?, stub: String) throws(CallError) {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY
        let fd: Int32
        if let device = deviceArgument(path) {
            fd = open(device, flags | O_CLOEXEC, 0o666)
            guard fd >= 0 else { throw CallError.perror(path, errno) }
        } else {
            do { fd = try sysroot.create(path, flags: flags, mode: 0o666) } catch { throw CallError.perror(path, error.errno) }
        }
        return try receiveFile(into: fd, name: path, fileIn: fileIn, stub: stub)
    }

    /// upload_to_fd: the chunks into `fd`, then close it, with the real texts for a
    /// write error and for the library's cancellation.
    func receiveFile(into fd: Int32, name: ByteString, fileIn: FileInReceiver?, stub: String) throws(CallError) {
        guard let fileIn else { close(fd); throw CallError("\(stub): no file transfer") }
        let failure = try fileIn.receive { (data: [UInt8]) throws(SysError) in try Daemon.writeAll(fd, data, name) }
        switch failure {
        case .sinkFailed?:
            close(fd)
            throw CallError("write error: \(name)")
        case .cancelledByLibrary?:
            close(fd)
            throw CallError("file upload cancelled")
        case nil:
            guard close(fd) == 0 else { throw CallError.perror("close", errno) }
        }
    }

    static func writeAll(_ fd: Int32, _ data: some Collection<UInt8>, _ name: ByteString) throws(SysError) {
        do throws(Errno) { try FileDescriptorIO.writeAll(fd, data) } catch { throw SysError("write", name, errno: error.code) }
    }

    /// download: a device node or a guest file, in chunks with progress.
    private func download(_ path: ByteString) throws(CallError) -> Answer {
        let fd: Int32, device = deviceArgument(path)
        if let device {
            fd = open(device, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CallError.perror(path, errno) }
        } else {
            do { fd = try sysroot.open(path, flags: O_RDONLY) } catch { throw CallError.perror(path, error.errno) }
        }
        return try Daemon.streamFile(fd: fd, name: path, isDevice: device != nil)
    }

    /// ls0: every name in the directory but "." and "..", each followed by NUL, in
    /// readdir order (the library sorts).
    private func ls0(_ path: ByteString) throws(CallError) -> Answer {
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
                if name == "." || name == ".." { continue }
                try stream.write(name.bytes + [0])
            }
            if errno != 0 {
                Console.write("\(SysError("readdir", path))")
                try stream.abort()
                return
            }
            try stream.finish()
        }
    }

    /// The bytes of an opened file or device as a FileOut stream, with progress.
    static func streamFile(fd: Int32, name: ByteString, isDevice: Bool) throws(CallError) -> Answer {
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
                let r = FileDescriptorIO.read(fd, into: &buf)
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

    func doUploadOffset(remotefilename: ByteString, offset: Int64, fileIn: FileInReceiver?) throws(CallError) {
        guard offset >= 0 else { throw CallError("\(remotefilename): offset in file is negative") }
        let fd = try openTarget(remotefilename, flags: O_WRONLY | O_CREAT | O_NOCTTY)
        guard offset == 0 || lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
            let e = errno
            close(fd)
            throw CallError.perror("lseek: \(remotefilename)", e)
        }
        return try receiveFile(into: fd, name: remotefilename, fileIn: fileIn, stub: Procedure.uploadOffset.stub)
    }

    func doDownloadOffset(remotefilename: ByteString, offset: Int64, size: Int64) throws(CallError) -> Answer {
        guard offset >= 0 else { throw CallError("\(remotefilename): offset in file is negative") }
        guard size >= 0 else { throw CallError("\(remotefilename): size is negative") }
        let fd: Int32
        if let device = deviceArgument(remotefilename) {
            fd = open(device, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CallError.perror(remotefilename, errno) }
        } else {
            do throws(SysError) { fd = try sysroot.open(remotefilename, flags: O_RDONLY) } catch { throw CallError.perror(remotefilename, error.errno) }
        }
        var st = stat()
        if fstat(fd, &st) == 0, st.st_mode.isDirectory {
            close(fd)
            throw CallError("\(remotefilename): is a directory")
        }
        guard offset == 0 || lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
            let e = errno
            close(fd)
            throw CallError.perror("lseek: \(remotefilename)", e)
        }
        return .fileOut { stream in
            defer { close(fd) }
            var left = UInt64(size), sent: UInt64 = 0
            var buf = [UInt8](repeating: 0, count: Guestfs.maxChunkSize)
            while left > 0 {
                let want = Int(min(UInt64(buf.count), left))
                let r = FileDescriptorIO.read(fd, into: &buf, count: want)
                if r < 0 { try stream.abort(); return }
                if r == 0 { break }
                try stream.write(buf[0 ..< r])
                try stream.flush()
                left -= UInt64(r)
                sent += UInt64(r)
                try stream.notifyProgress(position: sent, total: UInt64(size))
            }
            try stream.finish()
        }
    }

    /// A device node, or a guest path created if missing (upload's open).
    func openTarget(_ p: ByteString, flags: Int32) throws(CallError) -> Int32 {
        if let device = deviceArgument(p) {
            let fd = open(device, flags | O_CLOEXEC, 0o666)
            guard fd >= 0 else { throw CallError.perror(p, errno) }
            return fd
        }
        do { return try sysroot.create(p, flags: flags, mode: 0o666) } catch { throw CallError.perror(p, error.errno) }
    }
}
