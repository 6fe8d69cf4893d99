import CWatchdog
import Foundation
import SystemCalls

/// A forked process that kills qemu and removes its temporary files if this process
/// dies without doing it: SIGKILL, a crash, or a signal whose default action ends us.
/// See appliance_watchdog_start for how it notices.
final class Watchdog {
    private let pid: pid_t
    private var keepFD: Int32

    init(guarding target: pid_t, removing paths: [String]) throws {
        let cStrings = paths.map { strdup($0) } + [nil]
        defer { for p in cStrings { free(p) } }
        var fd: Int32 = -1
        let r = cStrings.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) {
                appliance_watchdog_start(target, $0, &fd)
            }
        }
        guard r > 0 else { throw ClientError.io(call: "fork", path: "qemu watchdog", errno: -r) }
        pid = r
        keepFD = fd
    }

    /// The guarded process is gone or about to be stopped by the caller: end the watch.
    /// Waits for the watchdog, so nothing it removes can belong to a later session.
    func release() {
        guard keepFD >= 0 else { return }
        close(keepFD)
        keepFD = -1
        var status: Int32 = 0
        _ = retryingEINTR { waitpid(pid, &status, 0) }
    }

    deinit { release() }
}
