/// One 256-byte inode (Documentation/filesystems/ext4/inodes.rst) with the 32 extra bytes
/// that carry nanoseconds and the epoch bits that take timestamps past 2038.
struct Ext2Inode {
    var mode: UInt16  // type and permission bits
    var uid: UInt32
    var gid: UInt32
    var size: UInt64
    var time: Ext2Time
    var links: UInt16
    /// Allocated blocks (data, indirect, xattr), in filesystem blocks.
    var blocks: Int
    var iBlock: [UInt32]
    var xattrBlock: UInt32

    static let typeDirectory: UInt16 = 0o040000
    static let typeRegular: UInt16 = 0o100000
    static let typeSymlink: UInt16 = 0o120000
    static let typeCharacter: UInt16 = 0o020000
    static let typeBlock: UInt16 = 0o060000
    static let typeFifo: UInt16 = 0o010000
    static let typeSocket: UInt16 = 0o140000

    /// i_block of a device: the old 8:8 encoding when it fits, else the new one in i_block[1].
    static func deviceBlock(major: UInt32, minor: UInt32) -> [UInt32] {
        var blocks = [UInt32](repeating: 0, count: 15)
        if major < 256, minor < 256 {
            blocks[0] = major << 8 | minor
        } else {
            blocks[1] = (minor & 0xFF) | (major << 8) | ((minor & ~0xFF) << 12)
        }
        return blocks
    }

    /// A fast symlink: the target inside i_block.
    static func inlineBlock(_ bytes: [UInt8]) -> [UInt32] {
        var blocks = [UInt32](repeating: 0, count: 15)
        for (i, b) in bytes.enumerated() { blocks[i / 4] |= UInt32(b) << (8 * (i % 4)) }
        return blocks
    }

    func encode(into table: inout [UInt8], at offset: Int) {
        var b = LEBuffer(count: Ext2Geometry.inodeSize)
        let (seconds, extra) = Self.split(time)
        b.u16(0x00, mode)
        b.u16(0x02, UInt16(truncatingIfNeeded: uid))
        b.u32(0x04, UInt32(truncatingIfNeeded: size))
        b.u32(0x08, seconds)  // atime
        b.u32(0x0C, seconds)  // ctime
        b.u32(0x10, seconds)  // mtime
        b.u16(0x18, UInt16(truncatingIfNeeded: gid))
        b.u16(0x1A, links)
        b.u32(0x1C, UInt32(blocks * (Ext2Geometry.blockSize / 512)))
        for (i, v) in iBlock.enumerated() { b.u32(0x28 + 4 * i, v) }
        b.u32(0x68, xattrBlock)
        b.u32(0x6C, UInt32(truncatingIfNeeded: size >> 32))
        b.u16(0x78, UInt16(truncatingIfNeeded: uid >> 16))
        b.u16(0x7A, UInt16(truncatingIfNeeded: gid >> 16))
        b.u16(0x80, 32)  // i_extra_isize
        b.u32(0x84, extra)  // ctime
        b.u32(0x88, extra)  // mtime
        b.u32(0x8C, extra)  // atime
        b.u32(0x90, seconds)  // crtime
        b.u32(0x94, extra)
        table.replaceSubrange(offset..<offset + Ext2Geometry.inodeSize, with: b.bytes)
    }

    /// The low 32 bits of the seconds, and the extra word: epoch bits 0–1, nanoseconds above.
    static func split(_ t: Ext2Time) -> (UInt32, UInt32) {
        let low = Int32(truncatingIfNeeded: t.seconds)
        let epoch = UInt32(truncatingIfNeeded: (t.seconds - Int64(low)) >> 32) & 3
        return (UInt32(bitPattern: low), epoch | (t.nanoseconds << 2))
    }
}
