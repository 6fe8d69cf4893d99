import Glibc
import SystemCalls

/// Lines for the console (stderr). Under TCG every byte to the serial console costs, so
/// `quiet` silences all but fatal lines; `verbose` adds one line per call.
struct Console {
    var quiet: Bool
    var verbose: Bool

    func info(_ line: @autoclosure () -> String) {
        if !quiet { Console.write(line()) }
    }

    func debug(_ line: @autoclosure () -> String) {
        if verbose { Console.write(line()) }
    }

    /// Always printed: the reason the daemon stops.
    func fatal(_ line: String) { Console.write(line) }

    static func write(_ line: String) {
        // write(2) rather than stdio: unbuffered, and no shared FILE to reason about.
        try? FileDescriptorIO.writeAll(2, Array(("guestd: " + line + "\n").utf8))
    }

    /// Seconds since boot from /proc/uptime, for the startup line ("?" if unreadable).
    static func uptime() -> String {
        guard let f = fopen("/proc/uptime", "re") else { return "?" }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 64)
        guard fgets(&buf, Int32(buf.count), f) != nil else { return "?" }
        let text = String(nulTerminated: buf)
        return text.split(separator: " ").first.map(String.init) ?? "?"
    }
}

extension String {
    /// The text of a C buffer up to its first NUL.
    init(nulTerminated buf: [CChar]) {
        let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self.init(decoding: bytes, as: UTF8.self)
    }
}
