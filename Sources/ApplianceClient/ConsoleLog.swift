import Foundation

/// Reads qemu's serial console on a thread of its own: echoes it when verbose and keeps
/// the last lines for error messages.
final class ConsoleLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private var partial = ""
    private let keep = 20
    private let echo: Bool
    private let done = DispatchSemaphore(value: 0)

    init(reading handle: FileHandle, echo: Bool) {
        self.echo = echo
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
        var parts = partial.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        partial = parts.removeLast()
        lines += parts.map { $0.replacingOccurrences(of: "\r", with: "") }
        if lines.count > keep { lines.removeFirst(lines.count - keep) }
    }

    /// The last lines seen, waiting briefly for the reader to drain a pipe qemu has closed.
    func tail(_ n: Int = 10, waitForEOF: Bool = false) -> String {
        if waitForEOF { _ = done.wait(timeout: .now() + 1) }
        lock.lock()
        defer { lock.unlock() }
        let all = lines + (partial.isEmpty ? [] : [partial])
        return all.suffix(n).map { "  " + $0 }.joined(separator: "\n")
    }
}
