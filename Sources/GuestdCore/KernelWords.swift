import ApplianceKernelWords
import Glibc

extension KernelWords {
    /// The launcher's settings on /proc/cmdline (appliance.network=, appliance.ssh=, …);
    /// none when it cannot be read.
    static func read(_ path: String = "/proc/cmdline") -> KernelWords {
        guard let f = fopen(path, "re") else { return KernelWords() }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 4096)
        guard fgets(&buf, Int32(buf.count), f) != nil else { return KernelWords() }
        return KernelWords(commandLine: String(nulTerminated: buf))
    }
}
