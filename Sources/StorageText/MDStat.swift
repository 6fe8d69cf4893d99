/// /proc/mdstat as md_stat reads it (daemon/md.c of libguestfs 1.48): the line
/// "NAME : active raid1 sdb1[0] sdc1[1](F)" of one array, each member a word with
/// "[index]" in it, its flags the letters after the bracket.
public enum MDStat {
    public struct Member: Equatable, Sendable {
        public var device: String
        public var index: Int32
        public var flags: String

        public init(device: String, index: Int32, flags: String) {
            self.device = device
            self.index = index
            self.flags = flags
        }
    }

    public enum ParseError: Error, Equatable {
        /// No line "NAME : …" for the array (the text names it without /dev/).
        case notFound(String)
        /// A member word starting with "[" (no device name).
        case tooShort(String)
        /// The text between the brackets is not a number.
        case notANumber(String)

        /// The real daemon's reply texts.
        public var message: String {
            switch self {
            case let .notFound(md): "\(md): MD device not found"
            case let .tooShort(word): "device entry is too short: \(word)"
            case let .notANumber(text): "not a device number: \(text)"
            }
        }
    }

    /// The members of array `md` (/dev/md0 or md0) in the text of /proc/mdstat, in the
    /// order the file lists them.
    public static func members(of md: String, in text: String) throws(ParseError) -> [Member] {
        let name = md.hasPrefix("/dev/") ? String(md.dropFirst(5)) : md
        let head = name + " : "
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where line.hasPrefix(head) {
            return try parseMembers(String(line.dropFirst(head.count)))
        }
        throw .notFound(name)
    }

    /// The member words of the part of an array's line after "NAME : ".
    public static func parseMembers(_ rest: String) throws(ParseError) -> [Member] {
        var result: [Member] = []
        // Split on single spaces as the daemon does: runs of spaces give empty words.
        for word in rest.split(separator: " ", omittingEmptySubsequences: false) {
            let chars = Array(word)
            guard let open = chars.firstIndex(of: "["), let close = chars.firstIndex(of: "]"), open < close else { continue }
            guard open > 0 else { throw .tooShort(String(word)) }
            let inside = String(chars[(open + 1) ..< close])
            guard let index = scanInteger(inside) else { throw .notANumber(inside) }
            let flags = String(chars[(close + 1)...].filter { $0.isASCII && $0.isLetter })
            result.append(Member(device: "/dev/" + String(chars[..<open]), index: index, flags: flags))
        }
        return result
    }

    /// scanf's %i: leading blanks, a sign, then hexadecimal after 0x, octal after 0,
    /// decimal otherwise; what follows the digits is ignored. Nil without a digit.
    static func scanInteger(_ text: String) -> Int32? {
        var s = Substring(text).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        var negative = false
        if let c = s.first, c == "+" || c == "-" {
            negative = c == "-"
            s = s.dropFirst()
        }
        var radix = 10
        if s.hasPrefix("0x") || s.hasPrefix("0X"), let d = s.dropFirst(2).first, d.isHexDigit {
            radix = 16
            s = s.dropFirst(2)
        } else if s.hasPrefix("0") {
            radix = 8
        }
        let digits = s.prefix { $0.isASCII && ($0.hexDigitValue.map { $0 < radix } ?? false) }
        guard !digits.isEmpty, let magnitude = Int64(digits, radix: radix) else { return nil }
        return Int32(truncatingIfNeeded: negative ? -magnitude : magnitude)
    }
}
