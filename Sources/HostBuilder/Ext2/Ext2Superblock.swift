/// The superblock (Documentation/filesystems/ext4/super.rst): revision 1, 4 KiB blocks,
/// 256-byte inodes, features sparse_super, large_file and filetype, ext_attr when asked.
struct Ext2Superblock {
    var geometry: Ext2Geometry
    var freeBlocks: Int
    var freeInodes: Int
    var uuid: [UInt8]
    var hashSeed: [UInt8]
    var label: [UInt8]
    var time: UInt32
    var extendedAttributes: Bool

    static let compatExtAttr: UInt32 = 0x0008
    static let incompatFiletype: UInt32 = 0x0002
    static let roCompatSparseSuper: UInt32 = 0x0001
    static let roCompatLargeFile: UInt32 = 0x0002

    /// The 1024 bytes of the copy in `group` (only s_block_group_nr differs between copies).
    func encode(group: Int) -> [UInt8] {
        let g = geometry
        var b = LEBuffer(count: 1024)
        b.u32(0x00, UInt32(g.inodeCount))
        b.u32(0x04, UInt32(g.blockCount))
        b.u32(0x08, 0)  // no blocks reserved for root: the image is read-only
        b.u32(0x0C, UInt32(freeBlocks))
        b.u32(0x10, UInt32(freeInodes))
        b.u32(0x14, 0)  // s_first_data_block: 0 with blocks over 1 KiB
        b.u32(0x18, 2)  // log2(4096) - 10
        b.u32(0x1C, 2)  // cluster size = block size
        b.u32(0x20, UInt32(Ext2Geometry.blocksPerGroup))
        b.u32(0x24, UInt32(Ext2Geometry.blocksPerGroup))
        b.u32(0x28, UInt32(g.inodesPerGroup))
        b.u32(0x2C, 0)  // s_mtime: never mounted
        b.u32(0x30, time)
        b.u16(0x34, 0)
        b.u16(0x36, 0xFFFF)  // s_max_mnt_count -1: no forced checks
        b.u16(0x38, 0xEF53)
        b.u16(0x3A, 1)  // clean
        b.u16(0x3C, 1)  // errors: continue
        b.u32(0x40, time)  // s_lastcheck
        b.u32(0x4C, 1)  // EXT2_DYNAMIC_REV
        b.u32(0x54, UInt32(Ext2Geometry.firstInode))
        b.u16(0x58, UInt16(Ext2Geometry.inodeSize))
        b.u16(0x5A, UInt16(group))
        b.u32(0x5C, extendedAttributes ? Self.compatExtAttr : 0)
        b.u32(0x60, Self.incompatFiletype)
        b.u32(0x64, Self.roCompatSparseSuper | Self.roCompatLargeFile)
        b.copy(0x68, uuid)
        b.copy(0x78, label.prefix(16))
        b.copy(0xEC, hashSeed)
        b.u8(0xFC, 1)  // s_def_hash_version: half_md4, mke2fs's default
        b.u32(0x100, 0x000C)  // default mount options: user_xattr, acl
        b.u32(0x108, time)  // s_mkfs_time
        b.u16(0x15C, 32)  // s_min_extra_isize
        b.u16(0x15E, 32)  // s_want_extra_isize
        b.u32(0x160, 0x0001)  // signed directory hash, as mke2fs sets it on x86
        return b.bytes
    }

    /// One 32-byte group descriptor.
    static func descriptor(blockBitmap: Int, inodeBitmap: Int, inodeTable: Int,
                           freeBlocks: Int, freeInodes: Int, directories: Int) -> [UInt8] {
        var b = LEBuffer(count: Ext2Geometry.descriptorSize)
        b.u32(0, UInt32(blockBitmap))
        b.u32(4, UInt32(inodeBitmap))
        b.u32(8, UInt32(inodeTable))
        b.u16(12, UInt16(freeBlocks))
        b.u16(14, UInt16(freeInodes))
        b.u16(16, UInt16(directories))
        return b.bytes
    }
}
