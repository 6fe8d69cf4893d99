import Glibc
import GuestProtocol
import SystemCalls

/// The file tests and reads inspection makes on the filesystem mounted at the sysroot,
/// each resolved inside it as the real daemon's chroot would (Is.is_file, Is.is_dir,
/// read_small_file …). A test that cannot stat answers false, as ENOENT does there.
struct GuestFiles {
    let sysroot: Sysroot

    /// is_small_file: regular (symlinks followed) and at most 2 × 1048 × 1024 bytes.
    static let smallFileLimit = 2 * 1048 * 1024

    func isFile(_ path: String, followSymlinks: Bool = false) -> Bool { kind(path, followSymlinks) == S_IFREG }
    func isDir(_ path: String, followSymlinks: Bool = false) -> Bool { kind(path, followSymlinks) == S_IFDIR }
    func isSymlink(_ path: String) -> Bool { kind(path, false) == S_IFLNK }

    /// is_symlink_to: a symlink whose text is exactly `target`.
    func isSymlink(_ path: String, to target: String) -> Bool {
        isSymlink(path) && (try? sysroot.linkTarget(ByteString(path))) == ByteString(target)
    }

    private func kind(_ path: String, _ follow: Bool) -> mode_t? {
        let st = follow ? try? sysroot.statFollowing(ByteString(path)) : try? sysroot.statNoFollow(ByteString(path))
        return st.map { $0.st_mode & S_IFMT }
    }

    /// read_small_file: the lines (split on "\n", a final "" kept), or nil when the
    /// file is not a small regular file or cannot be read.
    func smallFileLines(_ path: String) -> [String]? { smallFileByteLines(path)?.map(\.description) }

    /// The same lines as their bytes, for what inspection hands back as it found it.
    func smallFileByteLines(_ path: String) -> [ByteString]? {
        smallFile(path)?.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { ByteString($0) }
    }

    /// read_first_line_from_file of a small file: "" when empty or unreadable.
    func firstLine(_ path: String) -> String {
        guard let bytes = smallFile(path) else { return "" }
        return String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    func smallFile(_ path: String) -> [UInt8]? {
        guard let st = try? sysroot.statFollowing(ByteString(path)), st.st_mode.isRegular, st.st_size <= GuestFiles.smallFileLimit else {
            return nil
        }
        return read(path, limit: GuestFiles.smallFileLimit)
    }

    /// Up to `limit` bytes from the start of the file, symlinks followed.
    func read(_ path: String, limit: Int) -> [UInt8]? {
        guard let fd = try? sysroot.open(ByteString(path), flags: O_RDONLY) else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: min(limit, 65536))
        while out.count < limit {
            let n = FileDescriptorIO.read(fd, into: &buf, count: limit - out.count)
            guard n >= 0 else { return nil }
            if n == 0 { break }
            out += buf[0 ..< n]
        }
        return out
    }
}
