import Glibc

/// The words of /proc/cmdline, for the settings the launcher passes (appliance.network=,
/// appliance.ssh=); empty when it cannot be read.
enum KernelWords {
    static func read(_ path: String = "/proc/cmdline") -> [Substring] {
        guard let f = fopen(path, "re") else { return [] }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 4096)
        guard fgets(&buf, Int32(buf.count), f) != nil else { return [] }
        return String(nulTerminated: buf).split(whereSeparator: { $0 == " " || $0 == "\n" })
    }

    /// The value of the last `name=VALUE` word, as the kernel lets a later word win.
    static func value(of name: String, in words: [Substring]) -> String? {
        let prefix = name + "="
        return words.last { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}
