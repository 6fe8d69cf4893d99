import Foundation

/// Reads qemu's serial console on a thread of its own: echoes it when verbose and keeps
/// the last lines for error messages.
final class ConsoleLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private var partial = ""
    /// A panic's call trace and registers push its reason out of the kept lines.
    private var panic: String?
    private var alive = false
    private let keep = 20
    private let echo: Bool
    private let done = DispatchSemaphore(value: 0)
    /// Every line with the host time it arrived, when a boot timeline was asked for.
    private var stamped: [(Date, String)]?

    init(reading handle: FileHandle, echo: Bool, timestamps: Bool = false) {
        self.echo = echo
        if timestamps { stamped = [] }
        let thread = Thread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                if echo { FileHandle.standardError.write(data) }
                append(String(decoding: data, as: UTF8.self))
            }
            done.signal()
        }
        thread.start()
    }

    private func append(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        partial += text
        // The serial console ends lines with "\r\n", which Swift counts as one Character.
        var parts = partial.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
        partial = parts.removeLast()
        let clean = parts.map(Self.printable)
        lines += clean
        if panic == nil { panic = clean.first { $0.contains("Kernel panic") } }
        if !alive { alive = clean.contains { $0.hasPrefix("init: ") } }
        if stamped != nil {
            let now = Date()
            stamped! += clean.map { (now, $0) }
        }
        if lines.count > keep { lines.removeFirst(lines.count - keep) }
    }

    /// A console line without terminal escapes (the firmware clears the screen) or other
    /// control characters, so it can be quoted in a one-line error.
    static func printable(_ line: String) -> String {
        var out = "", escape = false
        for u in line.unicodeScalars {
            if escape {
                if u.properties.isAlphabetic { escape = false }
            } else if u == "\u{1B}" {
                escape = true
            } else if u.value >= 0x20 || u == "\t" {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// init has printed a line: the guest kernel booted and runs userspace.
    var showedSignOfLife: Bool {
        lock.lock()
        defer { lock.unlock() }
        return alive
    }

    /// Lines with their arrival times (empty unless timestamps were asked for).
    func timeline() -> [(Date, String)] {
        lock.lock()
        defer { lock.unlock() }
        return stamped ?? []
    }

    /// The last lines seen, waiting briefly for the reader to drain a pipe qemu has closed.
    func tail(_ n: Int = 10, waitForEOF: Bool = false) -> String {
        if waitForEOF { _ = done.wait(timeout: .now() + 1) }
        lock.lock()
        defer { lock.unlock() }
        let all = lines + (partial.isEmpty ? [] : [partial])
        var shown = Array(all.suffix(n))
        if let panic, !shown.contains(panic) { shown.insert(panic, at: 0) }
        return shown.map { "  " + $0 }.joined(separator: "\n")
    }
}
