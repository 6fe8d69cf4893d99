import Glibc
import GuestProtocol

/// The hivex group (daemon/hivex.c): one hive handle per daemon, opened by hivex_open
/// on a file of the mounted guest and used by every other hivex_* call. Failures of
/// the library are reported with its errno, as "failed: <strerror>".
extension Daemon {
    /// The handle hivex_open made; nil before it and after hivex_close.
    nonisolated(unsafe) private static var hive: (library: HivexLibrary, handle: HivexLibrary.Handle)?

    func doHivexOpen(filename: ByteString, verbose: Bool?, debug: Bool?, write: Bool?, unsafe: Bool?) throws(CallError) {
        if let open = Daemon.hive {
            _ = open.library.close(open.handle)
            Daemon.hive = nil
        }
        let library: HivexLibrary
        do throws(SysError) { library = try HivexLibrary.shared() } catch { throw CallError("hivex_open: \(error)") }
        var flags: Int32 = 0
        if verbose == true { flags |= HivexLibrary.openVerbose }
        if debug == true { flags |= HivexLibrary.openDebug }
        if write == true { flags |= HivexLibrary.openWrite }
        if unsafe == true { flags |= HivexLibrary.openUnsafe }
        // Resolved inside the guest; a path that does not resolve is handed over as it
        // is, so that the library's own open fails with its errno.
        let path = (try? sysroot.hostPath(filename)) ?? ByteString(options.sysroot) + filename
        guard let handle = library.open(path.cString, flags) else {
            throw CallError.perror("hivex failed to open \(filename)", errno)
        }
        Daemon.hive = (library, handle)
    }

    func doHivexClose() throws(CallError) {
        let h = try needHive("do_hivex_close")
        _ = h.library.close(h.handle)
        Daemon.hive = nil
    }

    func doHivexRoot() throws(CallError) -> Int64 {
        let h = try needHive("do_hivex_root")
        return try item(h.library.root(h.handle))
    }

    func doHivexNodeName(nodeh: Int64) throws(CallError) -> ByteString {
        let h = try needHive("do_hivex_node_name")
        return try text(h.library.nodeName(h.handle, HivexLibrary.item(nodeh)))
    }

    func doHivexNodeChildren(nodeh: Int64) throws(CallError) -> [StructValue] {
        let h = try needHive("do_hivex_node_children")
        guard let items = HivexLibrary.take(h.library.nodeChildren(h.handle, HivexLibrary.item(nodeh))) else { throw CallError.perror("failed", errno) }
        return items.map { StructValue(.hivexNode, [.int(Int64(bitPattern: UInt64($0)))]) }
    }

    /// 0 with errno unset is "no such child", not an error.
    func doHivexNodeGetChild(nodeh: Int64, name: ByteString) throws(CallError) -> Int64 {
        let h = try needHive("do_hivex_node_get_child")
        let name = name.cString
        errno = 0
        return try lookup(h.library.nodeGetChild(h.handle, HivexLibrary.item(nodeh), name))
    }

    func doHivexNodeParent(nodeh: Int64) throws(CallError) -> Int64 {
        let h = try needHive("do_hivex_node_parent")
        return try item(h.library.nodeParent(h.handle, HivexLibrary.item(nodeh)))
    }

    func doHivexNodeValues(nodeh: Int64) throws(CallError) -> [StructValue] {
        let h = try needHive("do_hivex_node_values")
        guard let items = HivexLibrary.take(h.library.nodeValues(h.handle, HivexLibrary.item(nodeh))) else { throw CallError.perror("failed", errno) }
        return items.map { StructValue(.hivexValue, [.int(Int64(bitPattern: UInt64($0)))]) }
    }

    func doHivexNodeGetValue(nodeh: Int64, key: ByteString) throws(CallError) -> Int64 {
        let h = try needHive("do_hivex_node_get_value")
        let key = key.cString
        errno = 0
        return try lookup(h.library.nodeGetValue(h.handle, HivexLibrary.item(nodeh), key))
    }

    func doHivexValueKey(valueh: Int64) throws(CallError) -> ByteString {
        let h = try needHive("do_hivex_value_key")
        return try text(h.library.valueKey(h.handle, HivexLibrary.item(valueh)))
    }

    func doHivexValueType(valueh: Int64) throws(CallError) -> Int64 {
        let h = try needHive("do_hivex_value_type")
        var type: UInt32 = 0
        guard h.library.valueType(h.handle, HivexLibrary.item(valueh), &type, nil) != -1 else { throw CallError.perror("failed", errno) }
        return Int64(type)
    }

    func doHivexValueValue(valueh: Int64) throws(CallError) -> [UInt8] {
        let h = try needHive("do_hivex_value_value")
        var size = 0
        guard let p = h.library.valueValue(h.handle, HivexLibrary.item(valueh), nil, &size) else { throw CallError.perror("failed", errno) }
        defer { free(p) }
        return Array(UnsafeRawBufferPointer(start: p, count: size))
    }

    func doHivexValueString(valueh: Int64) throws(CallError) -> ByteString {
        let h = try needHive("do_hivex_value_string")
        return try text(h.library.valueString(h.handle, HivexLibrary.item(valueh)))
    }

    /// The deprecated name of hivex_value_string; the real daemon's alias reports
    /// under the new call's name.
    func doHivexValueUtf8(valueh: Int64) throws(CallError) -> ByteString { try doHivexValueString(valueh: valueh) }

    func doHivexCommit(filename: ByteString?) throws(CallError) {
        let h = try needHive("do_hivex_commit")
        guard let filename else {
            guard h.library.commit(h.handle, nil, 0) != -1 else { throw CallError.perror("commit failed", errno) }
            return
        }
        // The optional string is checked here, as the real daemon does for lack of an
        // optional path type.
        try absolutePath(filename, "do_hivex_commit")
        try needRoot("do_hivex_commit")
        let target = commitTarget(filename)
        guard h.library.commit(h.handle, target.cString, 0) != -1 else { throw CallError.perror("\(filename): commit failed", errno) }
    }

    func doHivexNodeAddChild(parent: Int64, name: ByteString) throws(CallError) -> Int64 {
        let h = try needHive("do_hivex_node_add_child")
        return try item(h.library.nodeAddChild(h.handle, HivexLibrary.item(parent), name.cString))
    }

    func doHivexNodeDeleteChild(nodeh: Int64) throws(CallError) {
        let h = try needHive("do_hivex_node_delete_child")
        guard h.library.nodeDeleteChild(h.handle, HivexLibrary.item(nodeh)) != -1 else { throw CallError.perror("failed", errno) }
    }

    func doHivexNodeSetValue(nodeh: Int64, key: ByteString, t: Int64, val: [UInt8]) throws(CallError) {
        let h = try needHive("do_hivex_node_set_value")
        let r = HivexSetValue.with(key: key.bytes, type: UInt32(truncatingIfNeeded: t), value: val) {
            h.library.nodeSetValue(h.handle, HivexLibrary.item(nodeh), $0, 0)
        }
        guard r != -1 else { throw CallError.perror("failed", errno) }
    }

    /// hivex_finalize: umount_all and internal_autosync close the handle first, as its
    /// mapping of the hive would keep the filesystem busy.
    static func closeHive() {
        if let open = hive { _ = open.library.close(open.handle) }
        hive = nil
    }

    private func needHive(_ function: String) throws(CallError) -> (library: HivexLibrary, handle: HivexLibrary.Handle) {
        guard let open = Daemon.hive else {
            throw CallError("\(function): you must call 'hivex-open' first to initialize the hivex handle")
        }
        return open
    }

    /// A node or value the library returned, where 0 is a failure.
    private func item(_ r: HivexLibrary.Item) throws(CallError) -> Int64 {
        guard r != 0 else { throw CallError.perror("failed", errno) }
        return Int64(bitPattern: UInt64(r))
    }

    /// A lookup's result: 0 is "not found" unless the library set errno.
    private func lookup(_ r: HivexLibrary.Item) throws(CallError) -> Int64 {
        if r == 0 && errno != 0 { throw CallError.perror("failed", errno) }
        return Int64(bitPattern: UInt64(r))
    }

    private func text(_ p: UnsafeMutablePointer<CChar>?) throws(CallError) -> ByteString {
        guard let bytes = HivexLibrary.take(p) else { throw CallError.perror("failed", errno) }
        return ByteString(bytes)
    }

    /// Where a commit to another file writes: its directory resolved inside the guest,
    /// the name as given (the file may not exist yet).
    private func commitTarget(_ filename: ByteString) -> ByteString {
        var parts = filename.components.filter { $0 != "." }
        if let name = parts.popLast(), name != "..",
           let dir = try? sysroot.directoryHostPath("/" + ByteString.joined(parts)) {
            return dir + "/" + name
        }
        return ByteString(options.sysroot) + filename
    }
}
