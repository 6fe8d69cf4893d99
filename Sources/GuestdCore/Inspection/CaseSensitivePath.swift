import Glibc
import GuestProtocol

/// case_sensitive_path (daemon/realpath.ml of libguestfs 1.48): the path as the guest
/// spells it, each name matched ASCII-case-insensitively against its directory in
/// readdir order (the first match wins). Every name but the last must match a
/// directory; a missing last name is kept as given; a last "." or ".." is refused.
extension GuestFiles {
    func resolveCase(_ path: String) throws(CallError) -> String {
        let names = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var found: [String] = []
        for (i, name) in names.enumerated() {
            let isLast = i == names.count - 1
            if isLast, name == "." || name == ".." { throw CallError("path contains \".\" or \"..\" elements") }
            let dir = "/" + found.joined(separator: "/")
            let host: ByteString
            do throws(SysError) { host = try sysroot.directoryHostPath(ByteString(dir)) } catch {
                // Reached only when the previous name matched something not a directory.
                throw CallError.perror("chdir: \(found.last ?? "/")", error.errno)
            }
            let wanted = GuestFiles.lowercasedASCII(name)
            if let match = DirEntry.list(host.description).first(where: { GuestFiles.lowercasedASCII($0) == wanted }) {
                found.append(match)
            } else if isLast {
                found.append(name)
            } else {
                throw CallError("\(name): not found")
            }
        }
        return "/" + found.joined(separator: "/")
    }

    /// case_sensitive_path_silently: nil where the real call fails.
    func caseSensitivePath(_ path: String) -> String? { try? resolveCase(path) }

    /// is_file_nocase, is_dir_nocase.
    func isFileNoCase(_ path: String) -> Bool { caseSensitivePath(path).map { isFile($0) } ?? false }
    func isDirNoCase(_ path: String) -> Bool { caseSensitivePath(path).map { isDir($0) } ?? false }

    static func lowercasedASCII(_ s: String) -> [UInt8] {
        s.utf8.map { (0x41 ... 0x5a).contains($0) ? $0 + 0x20 : $0 }
    }
}

extension Daemon {
    func doCaseSensitivePath(path: ByteString) throws(CallError) -> ByteString {
        ByteString(try GuestFiles(sysroot: sysroot).resolveCase(path.description))
    }
}
