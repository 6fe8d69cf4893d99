/// libguestfs's structs (generator/structs.ml) as the protocol lays them out: fields in
/// order, FInt64 as hyper, FBytes/FUInt64 as unsigned hyper, FInt32 as int, FString as
/// string, FChar as one byte in a 4-byte int, FBuffer as opaque, FUUID as 32 bytes of
/// fixed opaque (LVM's dashless UUIDs), FOptPercent as an XDR float (-1: not present).
public enum FieldKind: Sendable, Equatable {
    case int64, uint64, int32, uint32, string, char, buffer, uuid, optPercent
}

public struct StructLayout: Sendable, Equatable {
    public let name: String
    public let fields: [(name: String, kind: FieldKind)]

    public init(_ name: String, _ fields: [(String, FieldKind)]) {
        self.name = name
        self.fields = fields.map { (name: $0.0, kind: $0.1) }
    }

    public static func == (a: StructLayout, b: StructLayout) -> Bool { a.name == b.name }

    public static let statns = StructLayout("statns", [
        "st_dev", "st_ino", "st_mode", "st_nlink", "st_uid", "st_gid", "st_rdev", "st_size", "st_blksize",
        "st_blocks", "st_atime_sec", "st_atime_nsec", "st_mtime_sec", "st_mtime_nsec", "st_ctime_sec",
        "st_ctime_nsec", "st_spare1", "st_spare2", "st_spare3", "st_spare4", "st_spare5", "st_spare6",
    ].map { ($0, FieldKind.int64) })

    public static let statvfs = StructLayout("statvfs", [
        "bsize", "frsize", "blocks", "bfree", "bavail", "files", "ffree", "favail", "fsid", "flag", "namemax",
    ].map { ($0, FieldKind.int64) })

    public static let xattr = StructLayout("xattr", [("attrname", .string), ("attrval", .buffer)])

    /// guestfs_int_dirent: ftyp is d_type as a letter (r, d, l, …).
    public static let dirent = StructLayout("dirent", [("ino", .int64), ("ftyp", .char), ("name", .string)])

    public static let internalMountable = StructLayout("internal_mountable", [
        ("im_type", .int32), ("im_device", .string), ("im_volume", .string),
    ])

    /// LVM's structs: the columns the real daemon asks `lvm pvs/vgs/lvs -o` for, in order.
    public static let lvmPV = StructLayout("lvm_pv", [
        ("pv_name", .string), ("pv_uuid", .uuid), ("pv_fmt", .string), ("pv_size", .uint64), ("dev_size", .uint64),
        ("pv_free", .uint64), ("pv_used", .uint64), ("pv_attr", .string), ("pv_pe_count", .int64),
        ("pv_pe_alloc_count", .int64), ("pv_tags", .string), ("pe_start", .uint64), ("pv_mda_count", .int64),
        ("pv_mda_free", .uint64),
    ])
    public static let lvmVG = StructLayout("lvm_vg", [
        ("vg_name", .string), ("vg_uuid", .uuid), ("vg_fmt", .string), ("vg_attr", .string), ("vg_size", .uint64),
        ("vg_free", .uint64), ("vg_sysid", .string), ("vg_extent_size", .uint64), ("vg_extent_count", .int64),
        ("vg_free_count", .int64), ("max_lv", .int64), ("max_pv", .int64), ("pv_count", .int64), ("lv_count", .int64),
        ("snap_count", .int64), ("vg_seqno", .int64), ("vg_tags", .string), ("vg_mda_count", .int64),
        ("vg_mda_free", .uint64),
    ])
    public static let lvmLV = StructLayout("lvm_lv", [
        ("lv_name", .string), ("lv_uuid", .uuid), ("lv_attr", .string), ("lv_major", .int64), ("lv_minor", .int64),
        ("lv_kernel_major", .int64), ("lv_kernel_minor", .int64), ("lv_size", .uint64), ("seg_count", .int64),
        ("origin", .string), ("snap_percent", .optPercent), ("copy_percent", .optPercent), ("move_pv", .string),
        ("lv_tags", .string), ("mirror_log", .string), ("modules", .string),
    ])

    public static let btrfsSubvolume = StructLayout("btrfssubvolume", [
        ("btrfssubvolume_id", .uint64), ("btrfssubvolume_top_level_id", .uint64), ("btrfssubvolume_path", .string),
    ])

    /// A line of `btrfs qgroup show --raw`: the qgroup and its referenced and exclusive bytes.
    public static let btrfsQgroup = StructLayout("btrfsqgroup", [
        ("btrfsqgroup_id", .string), ("btrfsqgroup_rfer", .uint64), ("btrfsqgroup_excl", .uint64),
    ])

    /// `btrfs balance status`: "none", "running" or "paused", and the chunk counts.
    public static let btrfsBalance = StructLayout("btrfsbalance", [
        ("btrfsbalance_status", .string), ("btrfsbalance_total", .uint64), ("btrfsbalance_balanced", .uint64),
        ("btrfsbalance_considered", .uint64), ("btrfsbalance_left", .uint64),
    ])

    /// `btrfs scrub status -R`'s raw counters.
    public static let btrfsScrub = StructLayout("btrfsscrub", [
        ("btrfsscrub_data_extents_scrubbed", .uint64), ("btrfsscrub_tree_extents_scrubbed", .uint64),
        ("btrfsscrub_data_bytes_scrubbed", .uint64), ("btrfsscrub_tree_bytes_scrubbed", .uint64),
        ("btrfsscrub_read_errors", .uint64), ("btrfsscrub_csum_errors", .uint64), ("btrfsscrub_verify_errors", .uint64),
        ("btrfsscrub_no_csum", .uint64), ("btrfsscrub_csum_discards", .uint64), ("btrfsscrub_super_errors", .uint64),
        ("btrfsscrub_malloc_errors", .uint64), ("btrfsscrub_uncorrectable_errors", .uint64),
        ("btrfsscrub_unverified_errors", .uint64), ("btrfsscrub_corrected_errors", .uint64),
        ("btrfsscrub_last_physical", .uint64),
    ])

    /// One member of an md array as /proc/mdstat lists it (md_stat).
    public static let mdstat = StructLayout("mdstat", [
        ("mdstat_device", .string), ("mdstat_index", .int32), ("mdstat_flags", .string),
    ])

    /// guestfs_int_int_bool (aug_defnode).
    public static let intBool = StructLayout("int_bool", [("i", .int32), ("b", .int32)])

    /// Node and value handles of the hivex calls, one int64 each.
    public static let hivexNode = StructLayout("hivex_node", [("hivex_node_h", .int64)])
    public static let hivexValue = StructLayout("hivex_value", [("hivex_value_h", .int64)])
    /// xfs_info's geometry; a field xfs_info did not print is -1 (all bits set).
    public static let xfsinfo = StructLayout("xfsinfo", [
        ("xfs_mntpoint", .string), ("xfs_inodesize", .uint32), ("xfs_agcount", .uint32), ("xfs_agsize", .uint32),
        ("xfs_sectsize", .uint32), ("xfs_attr", .uint32), ("xfs_blocksize", .uint32), ("xfs_datablocks", .uint64),
        ("xfs_imaxpct", .uint32), ("xfs_sunit", .uint32), ("xfs_swidth", .uint32), ("xfs_dirversion", .uint32),
        ("xfs_dirblocksize", .uint32), ("xfs_cimode", .uint32), ("xfs_logname", .string), ("xfs_logblocksize", .uint32),
        ("xfs_logblocks", .uint32), ("xfs_logversion", .uint32), ("xfs_logsectsize", .uint32), ("xfs_logsunit", .uint32),
        ("xfs_lazycount", .uint32), ("xfs_rtname", .string), ("xfs_rtextsize", .uint32), ("xfs_rtblocks", .uint64),
        ("xfs_rtextents", .uint64),
    ])

    /// One entry of a Sleuth Kit walk (internal_filesystem_walk's stream).
    public static let tskDirent = StructLayout("tsk_dirent", [
        ("tsk_inode", .uint64), ("tsk_type", .char), ("tsk_size", .int64), ("tsk_name", .string), ("tsk_flags", .uint32),
        ("tsk_atime_sec", .int64), ("tsk_atime_nsec", .int64), ("tsk_mtime_sec", .int64), ("tsk_mtime_nsec", .int64),
        ("tsk_ctime_sec", .int64), ("tsk_ctime_nsec", .int64), ("tsk_crtime_sec", .int64), ("tsk_crtime_nsec", .int64),
        ("tsk_nlink", .int64), ("tsk_link", .string), ("tsk_spare1", .int64),
    ])

    /// One YARA match (internal_yara_scan's stream): the scanned path as given, the rule's name.
    public static let yaraDetection = StructLayout("yara_detection", [("yara_name", .string), ("yara_rule", .string)])

    /// One inotify event (inotify_read): the kernel's struct inotify_event, the name "" when none.
    public static let inotifyEvent = StructLayout("inotify_event", [
        ("in_wd", .int64), ("in_mask", .uint32), ("in_cookie", .uint32), ("in_name", .string),
    ])

    public static let partition = StructLayout("partition", [
        ("part_num", .int32), ("part_start", .uint64), ("part_end", .uint64), ("part_size", .uint64),
    ])
}

/// One field's value, whatever its XDR type. FString is bytes, as on the wire (an
/// attribute or file name need not be UTF-8).
public enum FieldValue: Sendable, Equatable {
    case int(Int64)
    case string(ByteString)
    case bytes([UInt8])
    case percent(Float)

    public static func string(_ text: String) -> FieldValue { .string(ByteString(text)) }

    public var int: Int64 { if case let .int(v) = self { v } else { 0 } }
}

/// A decoded struct: values in the layout's field order.
public struct StructValue: Sendable, Equatable {
    public let layout: StructLayout
    public var values: [FieldValue]

    public init(_ layout: StructLayout, _ values: [FieldValue]) {
        self.layout = layout
        self.values = values
    }

    public subscript(_ field: String) -> FieldValue? {
        layout.fields.firstIndex { $0.name == field }.map { values[$0] }
    }

    public func encode(into e: inout XDREncoder) {
        for (f, v) in zip(layout.fields, values) {
            switch f.kind {
            case .int64: e.i64(v.int)
            case .uint64: e.u64(UInt64(bitPattern: v.int))
            case .int32, .char: e.i32(Int32(truncatingIfNeeded: v.int))
            case .uint32: e.u32(UInt32(truncatingIfNeeded: v.int))
            case .string: if case let .string(s) = v { e.string(s) } else { e.string("") }
            case .buffer: if case let .bytes(b) = v { e.opaque(b) } else { e.opaque([UInt8]()) }
            case .uuid:
                // Exactly 32 bytes, no length word (a multiple of 4: no padding).
                let b: [UInt8] = if case let .bytes(b) = v { b } else { [] }
                e.fixedOpaque(b, count: 32)
            case .optPercent:
                let x: Float = if case let .percent(x) = v { x } else { -1 }
                e.u32(x.bitPattern)
            }
        }
    }

    public static func decode(_ layout: StructLayout, from d: inout XDRDecoder) throws -> StructValue {
        var values: [FieldValue] = []
        for f in layout.fields {
            switch f.kind {
            case .int64: values.append(.int(try d.i64()))
            case .uint64: values.append(.int(Int64(bitPattern: try d.u64())))
            case .int32, .char: values.append(.int(Int64(try d.i32())))
            case .uint32: values.append(.int(Int64(try d.u32())))
            case .string: values.append(.string(try d.byteString(field: f.name)))
            case .buffer: values.append(.bytes(try d.opaque(field: f.name)))
            case .uuid: values.append(.bytes(try d.fixedOpaque(32)))
            case .optPercent: values.append(.percent(Float(bitPattern: try d.u32())))
            }
        }
        return StructValue(layout, values)
    }

    /// guestfs_int_print_TYPE_indent: "INDENTname: value" lines as guestfish prints them.
    public func printed(indent: String = "") -> String {
        var out = ""
        for (f, v) in zip(layout.fields, values) {
            switch (f.kind, v) {
            case let (.uint64, .int(x)): out += "\(indent)\(f.name): \(UInt64(bitPattern: x))\n"
            case let (.uint32, .int(x)): out += "\(indent)\(f.name): \(UInt32(truncatingIfNeeded: x))\n"
            case let (.char, .int(x)): out += "\(indent)\(f.name): \(Character(UnicodeScalar(UInt8(truncatingIfNeeded: x))))\n"
            case let (_, .int(x)): out += "\(indent)\(f.name): \(x)\n"
            case let (_, .string(s)): out += "\(indent)\(f.name): \(s)\n"
            case let (.uuid, .bytes(b)): out += "\(indent)\(f.name): \(String(decoding: b, as: UTF8.self))\n"
            case let (_, .percent(x)): out += x >= 0 ? "\(indent)\(f.name): \(percentText(x)) %\n" : "\(indent)\(f.name): \n"
            case let (_, .bytes(b)):
                // Printable bytes as they are, others as \xNN (c_isprint).
                let text = b.map { $0 >= 0x20 && $0 < 0x7f ? String(UnicodeScalar($0)) : "\\x" + hex2($0) }.joined()
                out += "\(indent)\(f.name): \(text)\n"
            }
        }
        return out
    }
}

/// printf's %g for the percentages LVM reports (at most 6 significant digits).
private func percentText(_ x: Float) -> String {
    let d = Double(x)
    if d == d.rounded(), abs(d) < 1e6 { return String(Int(d)) }
    var text = String(d)
    if let dot = text.firstIndex(of: "."), text.distance(from: text.startIndex, to: dot) <= 6 {
        let keep = 6 - text.distance(from: text.startIndex, to: dot)
        text = String(text.prefix(text.distance(from: text.startIndex, to: dot) + 1 + keep))
        while text.hasSuffix("0") { text.removeLast() }
    }
    return text
}

private func hex2(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}
