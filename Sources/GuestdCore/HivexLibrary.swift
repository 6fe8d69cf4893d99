import Glibc

/// The libhivex calls guestd makes, found with dlopen at the first use: the hivex_*
/// procedures and Windows inspection read registry hives through it. Only the Windows
/// tools need it, so a boot does not load it. The builder copies it into the root
/// (RootImage.guestdDlopened).
struct HivexLibrary: DynamicLibrary {
    static let soname = "libhivex.so.0"

    /// hivex.h's open flags.
    static let openVerbose: Int32 = 1, openDebug: Int32 = 2, openWrite: Int32 = 4, openUnsafe: Int32 = 8
    /// hivex.h's hive_type values inspection reads.
    static let regBinary: UInt32 = 3

    typealias Handle = OpaquePointer
    typealias CString = UnsafePointer<CChar>?
    /// hive_node_h and hive_value_h: offsets in the hive, size_t; 0 is "none".
    typealias Item = UInt

    let open: @convention(c) (CString, Int32) -> Handle?
    let close: @convention(c) (Handle?) -> Int32
    let root: @convention(c) (Handle?) -> Item
    let nodeName: @convention(c) (Handle?, Item) -> UnsafeMutablePointer<CChar>?
    let nodeChildren: @convention(c) (Handle?, Item) -> UnsafeMutablePointer<Item>?
    let nodeGetChild: @convention(c) (Handle?, Item, CString) -> Item
    let nodeParent: @convention(c) (Handle?, Item) -> Item
    let nodeValues: @convention(c) (Handle?, Item) -> UnsafeMutablePointer<Item>?
    let nodeGetValue: @convention(c) (Handle?, Item, CString) -> Item
    let valueKey: @convention(c) (Handle?, Item) -> UnsafeMutablePointer<CChar>?
    let valueType: @convention(c) (Handle?, Item, UnsafeMutablePointer<UInt32>?, UnsafeMutablePointer<Int>?) -> Int32
    let valueValue: @convention(c) (Handle?, Item, UnsafeMutablePointer<UInt32>?, UnsafeMutablePointer<Int>?) -> UnsafeMutableRawPointer?
    let valueString: @convention(c) (Handle?, Item) -> UnsafeMutablePointer<CChar>?
    let valueDword: @convention(c) (Handle?, Item) -> Int32
    let commit: @convention(c) (Handle?, CString, Int32) -> Int32
    let nodeAddChild: @convention(c) (Handle?, Item, CString) -> Item
    let nodeDeleteChild: @convention(c) (Handle?, Item) -> Int32
    /// The value is a `hive_set_value` (HivexSetValue builds it).
    let nodeSetValue: @convention(c) (Handle?, Item, UnsafeRawPointer?, Int32) -> Int32

    static func load() throws(SysError) -> HivexLibrary {
        let lib = try SharedLibrary(soname)
        return HivexLibrary(
            open: try lib.symbol("hivex_open"), close: try lib.symbol("hivex_close"), root: try lib.symbol("hivex_root"),
            nodeName: try lib.symbol("hivex_node_name"), nodeChildren: try lib.symbol("hivex_node_children"),
            nodeGetChild: try lib.symbol("hivex_node_get_child"), nodeParent: try lib.symbol("hivex_node_parent"),
            nodeValues: try lib.symbol("hivex_node_values"), nodeGetValue: try lib.symbol("hivex_node_get_value"),
            valueKey: try lib.symbol("hivex_value_key"), valueType: try lib.symbol("hivex_value_type"),
            valueValue: try lib.symbol("hivex_value_value"), valueString: try lib.symbol("hivex_value_string"),
            valueDword: try lib.symbol("hivex_value_dword"), commit: try lib.symbol("hivex_commit"),
            nodeAddChild: try lib.symbol("hivex_node_add_child"), nodeDeleteChild: try lib.symbol("hivex_node_delete_child"),
            nodeSetValue: try lib.symbol("hivex_node_set_value")
        )
    }

    /// A caller's int64 handle as the library's size_t (a negative one wraps, as C's
    /// conversion does, and the library rejects it).
    static func item(_ v: Int64) -> Item { Item(UInt64(bitPattern: v)) }

    /// A string the library allocated, copied out and freed; nil stays nil.
    static func take(_ p: UnsafeMutablePointer<CChar>?) -> [UInt8]? {
        guard let p else { return nil }
        defer { free(p) }
        return Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
    }

    /// A 0-terminated handle array the library allocated, copied out and freed.
    static func take(_ p: UnsafeMutablePointer<Item>?) -> [Item]? {
        guard let p else { return nil }
        defer { free(p) }
        var items: [Item] = []
        var i = 0
        while p[i] != 0 { items.append(p[i]); i += 1 }
        return items
    }
}

/// hivex.h's `hive_set_value { char *key; hive_type t; size_t len; char *value; }`,
/// laid out by hand (LP64: 8, 4 + 4 padding, 8, 8 bytes) so the layout is C's.
enum HivexSetValue {
    static func with<R>(key: [UInt8], type: UInt32, value: [UInt8], _ body: (UnsafeRawPointer) -> R) -> R {
        let keyC = key + [0]
        return keyC.withUnsafeBufferPointer { k in
            value.withUnsafeBufferPointer { v in
                let raw = UnsafeMutableRawPointer.allocate(byteCount: 32, alignment: 8)
                defer { raw.deallocate() }
                raw.initializeMemory(as: UInt8.self, repeating: 0, count: 32)
                raw.storeBytes(of: UnsafeRawPointer(k.baseAddress), toByteOffset: 0, as: UnsafeRawPointer?.self)
                raw.storeBytes(of: type, toByteOffset: 8, as: UInt32.self)
                raw.storeBytes(of: v.count, toByteOffset: 16, as: Int.self)
                raw.storeBytes(of: UnsafeRawPointer(v.baseAddress), toByteOffset: 24, as: UnsafeRawPointer?.self)
                return body(UnsafeRawPointer(raw))
            }
        }
    }
}
