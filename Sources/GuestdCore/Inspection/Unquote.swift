import GuestProtocol

/// The small text helpers inspection parses guest files with (daemon/utils.ml and
/// common/utils/utils.c of libguestfs).
enum Unquote {
    /// simple_unquote: one pair of matching outer quotes removed.
    static func simple(_ s: String) -> String {
        let b = Array(s.utf8)
        guard b.count >= 2, let first = b.first, first == b.last,
              first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") else { return s }
        return String(decoding: b[1 ..< b.count - 1], as: UTF8.self)
    }

    /// guestfs_int_shell_unquote: single quotes strip; in double quotes a backslash
    /// before $ ` " \ or newline escapes it. No variable expansion.
    static func shell(_ s: String) -> String {
        let b = Array(s.utf8)
        guard b.count >= 2 else { return s }
        if b[0] == UInt8(ascii: "'"), b[b.count - 1] == UInt8(ascii: "'") {
            return String(decoding: b[1 ..< b.count - 1], as: UTF8.self)
        }
        guard b[0] == UInt8(ascii: "\""), b[b.count - 1] == UInt8(ascii: "\"") else { return s }
        var out: [UInt8] = []
        var i = 1
        while i < b.count - 1 {
            if i < b.count - 2, b[i] == UInt8(ascii: "\\"), Array("$`\"\\\n".utf8).contains(b[i + 1]) { i += 1 }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// parse_key_value_strings: blank and "#" lines dropped, each split at its first
    /// "=" (no "=": the value is ""), values unquoted.
    static func keyValues(_ lines: [String], unquote: (String) -> String) -> [(String, String)] {
        lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }.map { line in
            guard let eq = line.firstIndex(of: "=") else { return (line, unquote("")) }
            return (String(line[..<eq]), unquote(String(line[line.index(after: eq)...])))
        }
    }

    /// unix_canonical_path: "///usr//local//" → "/usr/local".
    static func canonicalPath(_ path: ByteString) -> ByteString {
        (path.hasPrefix("/") ? "/" : "") + ByteString.joined(path.components)
    }
}
