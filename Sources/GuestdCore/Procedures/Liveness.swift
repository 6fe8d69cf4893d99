import Glibc
import GuestProtocol

/// The daemon's own procedures: liveness and flushing.
extension Daemon {
    func doPingDaemon() throws(CallError) {}

    /// The words joined by single spaces, as the real daemon returns them.
    func doEchoDaemon(words: [ByteString]) throws(CallError) -> ByteString {
        ByteString(Array(words.map(\.bytes).joined(separator: [0x20])))
    }

    func doSync() throws(CallError) { syncDisks() }

    /// At close the library asks for everything to be unmounted and flushed.
    func doInternalAutosync() throws(CallError) {
        defer { syncDisks() }
        closeGuestHandles()
        try mounts.unmountAll()
    }

    /// The launcher's first call after a warm start: the host's time and random bytes.
    /// Only as the appliance's PID 1: guestd run on a host (the tests' host mode, as root)
    /// must never set the host's clock.
    func doInternalApplianceResume(seconds: Int64, nanoseconds: Int64, entropy: [UInt8]) throws(CallError) {
        guard options.isPID1 else { throw CallError("internal_appliance_resume: only the appliance's clock is set", errno: EPERM) }
        guard (0 ..< 1_000_000_000).contains(nanoseconds), !entropy.isEmpty, entropy.count <= 512 else {
            throw CallError("internal_appliance_resume: nanoseconds must be below 10^9 and entropy 1 to 512 bytes")
        }
        do {
            try Freshness.setClock(seconds: seconds, nanoseconds: nanoseconds)
            try Freshness.reseed(with: entropy)
        } catch {
            throw CallError.perror("internal_appliance_resume: \(error.call) \(error.path)", error.errno)
        }
    }
}

extension Daemon {
    /// sleep(3); the real daemon ignores what it returns.
    func doSleep(secs: Int32) throws(CallError) {
        _ = Glibc.sleep(UInt32(clamping: secs))
    }
}
