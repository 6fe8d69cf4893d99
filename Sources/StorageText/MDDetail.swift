/// `mdadm -D --export MD` as md_detail reads it (daemon/md.ml of libguestfs 1.48):
/// KEY=VALUE lines, the MD_ prefix dropped and the key lower-cased.
public enum MDDetail {
    /// The pairs in output order. Blank lines and "#" comments are skipped; a line
    /// without "=" is a key with an empty value, as the daemon's String.split leaves it.
    public static func parse(_ output: String) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        for line in output.trimmingBlanks().split(separator: "\n", omittingEmptySubsequences: false) {
            guard let first = line.first, first != "#" else { continue }
            let key: Substring, value: Substring
            if let eq = line.firstIndex(of: "=") {
                key = line[..<eq]
                value = line[line.index(after: eq)...]
            } else {
                key = line
                value = ""
            }
            let bare = key.hasPrefix("MD_") ? key.dropFirst(3) : key
            pairs.append((String(bare).asciiLowercased(), String(value)))
        }
        return pairs
    }
}

/// Array UUIDs as mdadm spells them (cfa81b59:b6cfbd53:3f02085b:58f4a2e1 in mdadm's
/// output, with "-", "." or spaces elsewhere): 32 hex digits once the separators go.
public enum MDUUID {
    /// The 32 digits as written (case kept), or nil for any other character or length.
    public static func normalize(_ uuid: String) -> String? {
        var digits = ""
        for c in uuid {
            if c.isASCII && c.isHexDigit {
                digits.append(c)
            } else if !(c == ":" || c == "." || c == " " || c == "-") {
                return nil
            }
        }
        return digits.count == 32 ? digits : nil
    }
}

extension StringProtocol {
    func trimmingBlanks() -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }

    func asciiLowercased() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { s in
            (65 ... 90).contains(s.value) ? Unicode.Scalar(s.value + 32)! : s
        }))
    }
}
