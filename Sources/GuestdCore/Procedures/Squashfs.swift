import Glibc
import GuestProtocol
import SystemCalls

/// mksquashfs (daemon/squashfs.c of libguestfs 1.48), group squashfs: the image is made in
/// a temporary file (mksquashfs seeks in its output) and then sent as the FileOut. The
/// root is read-only, so the file lives in /tmp where the stock appliance uses /var/tmp.
extension Daemon {
    func doMksquashfs(path: ByteString, compress: ByteString?, excludes: [ByteString]?) throws(CallError) -> Answer {
        let source = try toolPath(path)
        let image: TempFile
        do throws(SysError) { image = try TempFile(prefix: "squashfs.") } catch { throw CallError.perror("mkstemp", error.errno) }
        var argv: [ByteString] = ["mksquashfs", source, ByteString(image.path), "-noappend", "-root-becomes", source,
                                  "-wildcards", "-no-recovery"]
        if let compress { argv += ["-comp", compress] }
        var excludeFile: TempFile?
        if let excludes {
            do throws(CallError) { excludeFile = try Daemon.excludeFile("mksquashfs", excludes) } catch {
                image.remove()
                throw error
            }
            argv += ["-ef", ByteString(excludeFile!.path)]
        }
        let r: Subprocess.Result
        do throws(CallError) { r = try Subprocess.appliance(argv) } catch {
            image.remove()
            excludeFile?.remove()
            throw error
        }
        excludeFile?.remove()
        guard r.succeeded else {
            image.remove()
            throw CallError("\(path): " + Subprocess.errorText(r))
        }
        return .fileOut { stream in
            defer { image.remove() }
            var buf = [UInt8](repeating: 0, count: Guestfs.maxChunkSize)
            guard lseek(image.fd, 0, SEEK_SET) == 0 else { try stream.abort(); return }
            while true {
                let n = FileDescriptorIO.read(image.fd, into: &buf)
                if n < 0 {
                    Console.write("\(SysError("read", ByteString(image.path)))")
                    try stream.abort()
                    return
                }
                if n == 0 { break }
                try stream.write(buf[0 ..< n])
            }
            try stream.finish()
        }
    }
}
