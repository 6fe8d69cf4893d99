import Glibc
import GuestProtocol

/// A registry hive opened read-only for inspection (inspect_utils.ml's with_hive and the
/// OCaml Hivex binding's calls): a lookup that finds nothing is nil, as the binding's
/// Not_found; any other failure of the library is an error, as its Hivex.Error.
final class RegistryHive {
    typealias Item = HivexLibrary.Item

    private let library: HivexLibrary
    private let handle: HivexLibrary.Handle
    let root: Item

    /// `hostPath` is the hive's path in the appliance (under the sysroot).
    init(hostPath: ByteString) throws(CallError) {
        do throws(SysError) { library = try HivexLibrary.shared() } catch { throw CallError("hivex: \(error)") }
        // The real daemon opens hives with HIVEX_OPEN_UNSAFE when its libhivex has it.
        guard let h = library.open(hostPath.cString, HivexLibrary.openUnsafe) else {
            throw CallError.perror("hivex: open: \(hostPath)", errno)
        }
        handle = h
        let r = library.root(h)
        guard r != 0 else {
            let e = errno
            _ = library.close(h)
            throw CallError.perror("hivex: root: \(hostPath)", e)
        }
        root = r
    }

    deinit { _ = library.close(handle) }

    /// get_node: the child path from `node`, each name looked up by the library (which
    /// ignores case).
    func node(_ path: [String], from node: Item? = nil) throws(CallError) -> Item? {
        var current = node ?? root
        for name in path {
            errno = 0
            let child = library.nodeGetChild(handle, current, name)
            if child == 0 {
                if errno != 0 { throw CallError.perror("hivex: node_get_child: \(name)", errno) }
                return nil
            }
            current = child
        }
        return current
    }

    /// The node's values by key, in the hive's order (List.assoc takes the first of a
    /// key, compared exactly).
    func values(_ node: Item) throws(CallError) -> [(key: ByteString, value: Item)] {
        guard let items = HivexLibrary.take(library.nodeValues(handle, node)) else {
            throw CallError.perror("hivex: node_values", errno)
        }
        var out: [(key: ByteString, value: Item)] = []
        for item in items {
            guard let key = HivexLibrary.take(library.valueKey(handle, item)) else { throw CallError.perror("hivex: value_key", errno) }
            out.append((ByteString(key), item))
        }
        return out
    }

    /// node_get_value: nil when the node has no such value.
    func value(_ node: Item, _ key: String) throws(CallError) -> Item? {
        errno = 0
        let v = library.nodeGetValue(handle, node, key)
        if v == 0 {
            if errno != 0 { throw CallError.perror("hivex: node_get_value: \(key)", errno) }
            return nil
        }
        return v
    }

    func string(_ value: Item) throws(CallError) -> ByteString {
        guard let bytes = HivexLibrary.take(library.valueString(handle, value)) else { throw CallError.perror("hivex: value_string", errno) }
        return ByteString(bytes)
    }

    func dword(_ value: Item) throws(CallError) -> Int32 {
        errno = 0
        let v = library.valueDword(handle, value)
        if v == -1 && errno != 0 { throw CallError.perror("hivex: value_dword", errno) }
        return v
    }

    /// value_value: the type and the raw data.
    func data(_ value: Item) throws(CallError) -> (type: UInt32, bytes: [UInt8]) {
        var type: UInt32 = 0
        var size = 0
        guard let p = library.valueValue(handle, value, &type, &size) else { throw CallError.perror("hivex: value_value", errno) }
        defer { free(p) }
        return (type, Array(UnsafeRawBufferPointer(start: p, count: size)))
    }
}
