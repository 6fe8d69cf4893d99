/// One extended-attribute block in the ext2 format (Documentation/filesystems/ext4/attributes.rst):
/// a 32-byte header, entries sorted as the kernel searches them, values packed from the end.
enum Ext2XattrBlock {
    static let magic: UInt32 = 0xEA02_0000

    /// Name prefixes by their on-disk index.
    static let prefixes: [(String, UInt8)] = [("user.", 1), ("trusted.", 4), ("security.", 6)]

    static func prefix(of name: String) -> (index: UInt8, suffix: [UInt8])? {
        for (p, index) in prefixes where name.hasPrefix(p) && name.utf8.count > p.utf8.count {
            return (index, Array(name.utf8.dropFirst(p.utf8.count)))
        }
        return nil
    }

    /// The block for these attributes with `refcount` inodes sharing it, or nil with a
    /// reason when a name has no prefix ext2 knows or the set does not fit in one block.
    static func encode(_ xattrs: [Ext2Xattr], refcount: UInt32, blockSize: Int) -> Result<[UInt8], XattrProblem> {
        var items: [(index: UInt8, name: [UInt8], value: [UInt8])] = []
        for x in xattrs {
            guard let p = prefix(of: x.name), p.suffix.count <= 255 else { return .failure(.badName(x.name)) }
            items.append((p.index, p.suffix, x.value))
        }
        // ext4_xattr_find_entry walks a block's entries in (index, name length, name) order.
        items.sort { a, b in
            if a.index != b.index { return a.index < b.index }
            if a.name.count != b.name.count { return a.name.count < b.name.count }
            return a.name.lexicographicallyPrecedes(b.name)
        }
        var block = LEBuffer(count: blockSize)
        var entryAt = 32
        var valueEnd = blockSize
        var hashes: [UInt32] = []
        for item in items {
            let entrySize = (16 + item.name.count + 3) & ~3
            let valueSize = (item.value.count + 3) & ~3
            // Entries grow up, values down; 4 zero bytes must still end the entry table.
            guard entryAt + entrySize + 4 <= valueEnd - valueSize else { return .failure(.tooBig) }
            valueEnd -= valueSize
            let hash = entryHash(name: item.name, value: item.value)
            hashes.append(hash)
            block.u8(entryAt, UInt8(item.name.count))
            block.u8(entryAt + 1, item.index)
            block.u16(entryAt + 2, item.value.isEmpty ? 0 : UInt16(valueEnd))
            block.u32(entryAt + 4, 0)
            block.u32(entryAt + 8, UInt32(item.value.count))
            block.u32(entryAt + 12, hash)
            block.copy(entryAt + 16, item.name)
            block.copy(valueEnd, item.value)
            entryAt += entrySize
        }
        block.u32(0, magic)
        block.u32(4, refcount)
        block.u32(8, 1)  // h_blocks
        block.u32(16, blockHash(hashes))
        return .success(block.bytes)
    }

    enum XattrProblem: Error {
        case badName(String)
        case tooBig
    }

    /// ext4_xattr_hash_entry: the name's bytes (unsigned, as kernels since 6.2 and e2fsprogs
    /// hash them), then the value as little-endian 32-bit words padded with zeros.
    static func entryHash(name: [UInt8], value: [UInt8]) -> UInt32 {
        var hash: UInt32 = 0
        for c in name { hash = (hash << 5) ^ (hash >> 27) ^ UInt32(c) }
        var i = 0
        while i < value.count {
            var word: UInt32 = 0
            for k in 0..<4 where i + k < value.count { word |= UInt32(value[i + k]) << (8 * k) }
            hash = (hash << 16) ^ (hash >> 16) ^ word
            i += 4
        }
        return hash
    }

    /// ext4_xattr_rehash: the entry hashes folded into the header's h_hash.
    static func blockHash(_ hashes: [UInt32]) -> UInt32 {
        var hash: UInt32 = 0
        for h in hashes {
            if h == 0 { return 0 }
            hash = (hash << 16) ^ (hash >> 16) ^ h
        }
        return hash
    }
}
