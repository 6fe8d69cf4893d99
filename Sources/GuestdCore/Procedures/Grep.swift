import Glibc
import GuestProtocol

/// grep (daemon/grep.c runs grep, -E, -F, -i, or zgrep, on the file): POSIX regular
/// expressions through regcomp, basic unless `extended`, a plain substring when `fixed`.
/// Pattern and lines are bytes, matched as in the C locale.
extension Daemon {
    func doGrep(regex: ByteString, path: ByteString, extended: Bool?, fixed: Bool?, insensitive: Bool?, compressed: Bool?) throws(CallError) -> [ByteString] {
        let extended = extended ?? false, fixed = fixed ?? false
        let insensitive = insensitive ?? false, compressed = compressed ?? false
        if extended && fixed { throw CallError("can't use 'extended' and 'fixed' flags at the same time") }
        let fd: Int32
        do throws(SysError) { fd = try sysroot.open(path, flags: O_RDONLY) } catch { throw CallError.perror(path, error.errno) }
        defer { close(fd) }
        // zgrep needs gzip and friends, which this appliance does not carry.
        if compressed { throw CallError("\(regex): zgrep: not available in this appliance", errno: ENOTSUP) }
        let data: [UInt8]
        do throws(SysError) { data = try Daemon.readAll(fd, path) } catch { throw CallError("\(regex): grep: (standard input): \(error.reason)") }
        var lines = data.split(separator: 10, omittingEmptySubsequences: false)
        if data.last == 10 || data.isEmpty { lines.removeLast() }
        let matcher = try LineMatcher(regex, extended: extended, fixed: fixed, insensitive: insensitive)
        return lines.filter { matcher.matches(Array($0)) }.map { ByteString($0) }
    }

}

/// One compiled pattern; freed with the matcher.
final class LineMatcher {
    private var regex = regex_t()
    private let literal: [UInt8]?
    private let insensitive: Bool

    init(_ pattern: ByteString, extended: Bool, fixed: Bool, insensitive: Bool) throws(CallError) {
        self.insensitive = insensitive
        if fixed {
            literal = insensitive ? LineMatcher.lowercased(pattern.bytes) : pattern.bytes
            return
        }
        literal = nil
        let flags = (extended ? REG_EXTENDED : 0) | (insensitive ? REG_ICASE : 0) | REG_NOSUB
        let rc = regcomp(&regex, pattern.cString, flags)
        guard rc == 0 else {
            var buf = [CChar](repeating: 0, count: 256)
            regerror(rc, &regex, &buf, buf.count)
            throw CallError("\(pattern): grep: \(String(nulTerminated: buf))")
        }
    }

    deinit { if literal == nil { regfree(&regex) } }

    func matches(_ line: [UInt8]) -> Bool {
        if let literal {
            if literal.isEmpty { return true }
            let hay = insensitive ? LineMatcher.lowercased(line) : line
            guard hay.count >= literal.count else { return false }
            return (0 ... hay.count - literal.count).contains { hay[$0 ..< $0 + literal.count].elementsEqual(literal) }
        }
        return (line.prefix { $0 != 0 }.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
            regexec(&regex, $0.baseAddress, 0, nil, 0) == 0
        }
    }

    /// ASCII case folding, as grep -i does in the C locale; other bytes are left alone.
    private static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { (0x41 ... 0x5a).contains($0) ? $0 + 0x20 : $0 }
    }
}
