/// The subset of C's sscanf that the real daemon's parsers of btrfs-progs' reports use:
/// a space in the format skips any white space, "%u" reads an unsigned 64-bit number
/// as "%" SCNu64 does (white space, a sign, digits; "-1" wraps), "%%" is a percent sign,
/// any other character must be there. The numbers read before the first mismatch come
/// back, so callers compare the count as they would sscanf's result.
enum CScan {
    static func scan(_ line: Substring, _ format: String) -> [UInt64] {
        let input = Array(line.utf8), spec = Array(format.utf8)
        var values: [UInt64] = []
        var i = 0, f = 0
        while f < spec.count {
            let c = spec[f]
            if isSpace(c) {
                while i < input.count, isSpace(input[i]) { i += 1 }
                f += 1
            } else if c == UInt8(ascii: "%"), f + 1 < spec.count, spec[f + 1] == UInt8(ascii: "u") {
                guard let v = number(input, &i) else { return values }
                values.append(v)
                f += 2
            } else {
                if c == UInt8(ascii: "%") { f += 1 }  // "%%"
                guard i < input.count, input[i] == spec[f] else { return values }
                i += 1
                f += 1
            }
        }
        return values
    }

    /// c_isspace: space, \t, \n, \v, \f, \r.
    static func isSpace(_ c: UInt8) -> Bool { c == 32 || (9 ... 13).contains(c) }

    /// strtoull's reading: leading white space, an optional sign, at least one digit;
    /// a negative number wraps, an overflow saturates.
    private static func number(_ s: [UInt8], _ i: inout Int) -> UInt64? {
        var j = i
        while j < s.count, isSpace(s[j]) { j += 1 }
        var negative = false
        if j < s.count, s[j] == UInt8(ascii: "+") || s[j] == UInt8(ascii: "-") {
            negative = s[j] == UInt8(ascii: "-")
            j += 1
        }
        let start = j
        var v: UInt64 = 0, overflow = false
        while j < s.count, (48 ... 57).contains(s[j]) {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(s[j] - 48))
            overflow = overflow || o1 || o2
            v = a
            j += 1
        }
        guard j > start else { return nil }
        i = j
        if overflow { return .max }
        return negative ? 0 &- v : v
    }
}

/// split_lines (daemon/utils.c): the lines of a tool's output, the newline after the
/// last one not making an empty line; empty lines inside are kept.
enum OutputLines {
    static func split(_ text: String) -> [Substring] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// A btrfs-progs report the real daemon would refuse: its reply text.
public struct BtrfsReportError: Error, Equatable, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }
}
