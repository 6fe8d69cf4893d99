/// Linear ext2 directories (no dir_index): blocks of entries whose rec_len chain covers
/// each block exactly, "." and ".." first, then the names in the order given.
enum Ext2Directory {
    /// ext2 file types of the directory entry (the filetype feature).
    enum FileType: UInt8 {
        case regular = 1, directory, characterDevice, blockDevice, fifo, socket, symlink
    }

    struct Entry {
        var name: [UInt8]
        var inode: UInt32
        var type: FileType
    }

    static func recordLength(nameLength: Int) -> Int { (8 + nameLength + 3) & ~3 }

    /// How many blocks `names` (byte lengths, without "." and "..") need.
    static func blockCount(nameLengths: [Int], blockSize: Int) -> Int {
        var blocks = 1
        var used = recordLength(nameLength: 1) + recordLength(nameLength: 2)
        for n in nameLengths {
            let len = recordLength(nameLength: n)
            if used + len > blockSize { blocks += 1; used = 0 }
            used += len
        }
        return blocks
    }

    /// The directory's blocks, packed in the same way `blockCount` counts them.
    static func encode(selfInode: UInt32, parentInode: UInt32, entries: [Entry], blockSize: Int) -> [UInt8] {
        let all = [Entry(name: [0x2E], inode: selfInode, type: .directory),
                   Entry(name: [0x2E, 0x2E], inode: parentInode, type: .directory)] + entries
        var out: [UInt8] = []
        var block = LEBuffer(count: blockSize)
        var at = 0
        var last = -1
        func finish() {
            // The last entry's rec_len stretches to the end of the block.
            block.u16(last + 4, UInt16(blockSize - last))
            out += block.bytes
            block = LEBuffer(count: blockSize)
            at = 0
            last = -1
        }
        for e in all {
            let len = recordLength(nameLength: e.name.count)
            if at + len > blockSize { finish() }
            block.u32(at, e.inode)
            block.u16(at + 4, UInt16(len))
            block.u8(at + 6, UInt8(e.name.count))
            block.u8(at + 7, e.type.rawValue)
            block.copy(at + 8, e.name)
            last = at
            at += len
        }
        finish()
        return out
    }
}
