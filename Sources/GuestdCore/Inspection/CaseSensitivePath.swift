import GuestProtocol

/// case_sensitive_path (daemon/realpath.ml of libguestfs 1.48): the path as the guest
/// spells it, each name matched ASCII-case-insensitively against its directory in
/// readdir order (the first match wins). Every name but the last must match a
/// directory; a missing last name is kept as given. "." and ".." never match.
extension GuestFiles {
    func caseSensitivePath(_ path: String) -> String? {
        let names = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var found: [String] = []
        for (i, name) in names.enumerated() {
            let dir = "/" + found.joined(separator: "/")
            guard let host = try? sysroot.directoryHostPath(ByteString(dir)) else { return nil }
            let match = DirEntry.list(host.description).first { GuestFiles.lowercasedASCII($0) == GuestFiles.lowercasedASCII(name) }
            if let match { found.append(match) } else if i == names.count - 1, name != ".", name != ".." { found.append(name) } else { return nil }
        }
        return "/" + found.joined(separator: "/")
    }

    /// is_file_nocase, is_dir_nocase.
    func isFileNoCase(_ path: String) -> Bool { caseSensitivePath(path).map { isFile($0) } ?? false }
    func isDirNoCase(_ path: String) -> Bool { caseSensitivePath(path).map { isDir($0) } ?? false }

    static func lowercasedASCII(_ s: String) -> [UInt8] {
        s.utf8.map { (0x41 ... 0x5a).contains($0) ? $0 + 0x20 : $0 }
    }
}
