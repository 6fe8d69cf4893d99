/// Where everything sits: block groups of 8 × blockSize blocks, each with (in groups 0, 1
/// and powers of 3, 5 and 7 — sparse_super) a superblock copy and the descriptor table,
/// then its block bitmap, inode bitmap and inode table, then data.
struct Ext2Geometry: Equatable {
    static let blockSize = 4096
    static let inodeSize = 256
    static let descriptorSize = 32
    static let firstInode = 11
    static var blocksPerGroup: Int { blockSize * 8 }
    static var inodesPerBlock: Int { blockSize / inodeSize }

    let blockCount: Int
    let inodesPerGroup: Int

    var groupCount: Int { (blockCount + Self.blocksPerGroup - 1) / Self.blocksPerGroup }
    var inodeCount: Int { inodesPerGroup * groupCount }
    var descriptorBlocks: Int { (groupCount * Self.descriptorSize + Self.blockSize - 1) / Self.blockSize }
    var inodeTableBlocks: Int { inodesPerGroup / Self.inodesPerBlock }

    static func hasSuperblock(group g: Int) -> Bool {
        if g <= 1 { return true }
        for base in [3, 5, 7] {
            var n = base
            while n < g { n *= base }
            if n == g { return true }
        }
        return false
    }

    func groupStart(_ g: Int) -> Int { g * Self.blocksPerGroup }
    func groupBlocks(_ g: Int) -> Int { min(Self.blocksPerGroup, blockCount - groupStart(g)) }
    /// Superblock copy plus descriptor table, if the group has them.
    func superBlocks(_ g: Int) -> Int { Self.hasSuperblock(group: g) ? 1 + descriptorBlocks : 0 }
    func blockBitmap(_ g: Int) -> Int { groupStart(g) + superBlocks(g) }
    func inodeBitmap(_ g: Int) -> Int { blockBitmap(g) + 1 }
    func inodeTable(_ g: Int) -> Int { blockBitmap(g) + 2 }
    func firstDataBlock(_ g: Int) -> Int { inodeTable(g) + inodeTableBlocks }
    func overhead(_ g: Int) -> Int { firstDataBlock(g) - groupStart(g) }
    var dataCapacity: Int { (0..<groupCount).reduce(0) { $0 + groupBlocks($1) - overhead($1) } }

    /// The smallest last group mke2fs keeps: its metadata and 50 data blocks.
    func lastGroupIsViable() -> Bool {
        let g = groupCount - 1
        return groupBlocks(g) >= overhead(g) + 50
    }

    /// Inodes spread evenly, whole inode-table blocks per group.
    static func inodesPerGroup(inodes: Int, groups: Int) -> Int {
        let per = (inodes + groups - 1) / groups
        let rounded = (per + inodesPerBlock - 1) / inodesPerBlock * inodesPerBlock
        return min(max(rounded, inodesPerBlock), blocksPerGroup)
    }

    /// A geometry of exactly `blockCount` blocks (a trailing group too small for its own
    /// metadata is dropped, as mke2fs does) holding at least `inodes` inodes.
    static func fixed(blockCount: Int, inodes: Int) -> Ext2Geometry? {
        var blocks = blockCount
        while blocks > 0 {
            let groups = (blocks + blocksPerGroup - 1) / blocksPerGroup
            let g = Ext2Geometry(blockCount: blocks, inodesPerGroup: inodesPerGroup(inodes: inodes, groups: groups))
            if g.lastGroupIsViable() { return g }
            if groups == 1 { return nil }
            blocks = (groups - 1) * blocksPerGroup
        }
        return nil
    }

    /// The smallest geometry whose data area holds `dataBlocks` and `inodes` inodes.
    static func fitting(dataBlocks: Int, inodes: Int) -> Ext2Geometry {
        var blocks = dataBlocks + 64
        while true {
            let groups = (blocks + blocksPerGroup - 1) / blocksPerGroup
            let g = Ext2Geometry(blockCount: blocks, inodesPerGroup: inodesPerGroup(inodes: inodes, groups: groups))
            if g.lastGroupIsViable(), g.dataCapacity >= dataBlocks { return g }
            blocks += max(g.dataCapacity < dataBlocks ? dataBlocks - g.dataCapacity : 0, 16)
        }
    }
}
