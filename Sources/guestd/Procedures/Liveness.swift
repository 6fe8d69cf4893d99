import GuestProtocol

/// The daemon's own procedures: liveness and flushing.
extension Daemon {
    static let daemonProcedures: [(Procedure, Handler)] = [
        (.pingDaemon, { _, _ throws(CallError) in .none }),
        (.sync, { d, _ throws(CallError) in d.syncDisks(); return .none }),
        // At close the library asks for everything to be unmounted and flushed.
        (.internalAutosync, { d, _ throws(CallError) in
            defer { d.syncDisks() }
            try d.mounts.unmountAll()
            return .none
        }),
    ]
}
