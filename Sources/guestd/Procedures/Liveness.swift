import GuestProtocol

/// The daemon's own procedures: liveness and flushing.
extension Daemon {
    func doPingDaemon() throws(CallError) {}

    func doSync() throws(CallError) { syncDisks() }

    /// At close the library asks for everything to be unmounted and flushed.
    func doInternalAutosync() throws(CallError) {
        defer { syncDisks() }
        try mounts.unmountAll()
    }
}
