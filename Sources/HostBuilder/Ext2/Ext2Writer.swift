import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes an ext2 revision 1 image from a manifest in one pass: file data straight from
/// the host files, then inode tables, bitmaps, group descriptors and superblocks. The
/// image appears under its name only when it is complete.
public struct Ext2Writer {
    public let manifest: Ext2Manifest
    public let options: Ext2Options

    public init(manifest: Ext2Manifest, options: Ext2Options = Ext2Options()) {
        self.manifest = manifest
        self.options = options
    }

    @discardableResult
    public func write(to path: String) throws -> Ext2Summary {
        let manifest = clampedManifest()
        let defaultTime = self.defaultTime(manifest)
        let tree = try Ext2Tree(manifest: manifest, defaultTime: defaultTime)
        let plan = try Ext2Plan(tree: tree)
        let geometry = try chooseGeometry(plan: plan, path: path)

        let image = try Ext2ImageFile(path: path, blocks: geometry.blockCount)
        do {
            let summary = try write(plan: plan, geometry: geometry, image: image, time: defaultTime)
            try image.commit()
            return summary
        } catch {
            image.discard()
            throw error
        }
    }

    /// With SOURCE_DATE_EPOCH, no timestamp is later than it.
    private func clampedManifest() -> Ext2Manifest {
        guard let epoch = options.sourceDateEpoch else { return manifest }
        var m = Ext2Manifest()
        for var e in manifest.entries.values {
            if e.mtime == nil || e.mtime! > Ext2Time(seconds: epoch) { e.mtime = Ext2Time(seconds: epoch) }
            try? m.add(e)
        }
        return m
    }

    /// SOURCE_DATE_EPOCH, else the newest entry time, else the epoch: never the clock.
    private func defaultTime(_ m: Ext2Manifest) -> Ext2Time {
        if let epoch = options.sourceDateEpoch { return Ext2Time(seconds: epoch) }
        return m.entries.values.compactMap(\.mtime).max() ?? Ext2Time(seconds: 0)
    }

    private func chooseGeometry(plan: Ext2Plan, path: String) throws -> Ext2Geometry {
        let blocks = plan.blocksNeeded, inodes = Int(plan.tree.lastInode)
        let bs = Ext2Geometry.blockSize
        guard let size = options.size else {
            return Ext2Geometry.fitting(dataBlocks: blocks + blocks / 4 + 256, inodes: inodes + inodes / 4 + 16)
        }
        let minimum = Ext2Geometry.fitting(dataBlocks: blocks, inodes: inodes).blockCount * bs
        let count = size / bs
        // Like mke2fs, one inode per 16 KiB when the size is given, so the space is usable.
        guard let g = Ext2Geometry.fixed(blockCount: count, inodes: max(inodes + inodes / 4 + 16, count / 4)),
              g.dataCapacity >= blocks, g.inodeCount >= inodes else {
            throw BuildError.format(path: path, reason: "image size \(size) bytes is too small; the contents need at least \(minimum) bytes")
        }
        return g
    }

    private func write(plan: Ext2Plan, geometry g: Ext2Geometry, image: Ext2ImageFile, time: Ext2Time) throws -> Ext2Summary {
        let bs = Ext2Geometry.blockSize
        var allocator = Ext2Allocator(geometry: g, path: image.path)
        var tables: [Int: [UInt8]] = [:]
        var xattrBlocks: [[UInt8]: UInt32] = [:]
        var directories = [Int](repeating: 0, count: g.groupCount)

        for case let node? in plan.tree.nodes {
            let item = plan.items[Int(node.number)]!
            var xattrBlock: UInt32 = 0
            if let key = item.xattrKey {
                if let b = xattrBlocks[key] {
                    xattrBlock = b
                } else {
                    xattrBlock = try allocator.allocate()
                    var block = key
                    let refs = plan.xattrRefs[key]!
                    for i in 0..<4 { block[4 + i] = UInt8(truncatingIfNeeded: refs >> (8 * i)) }
                    try image.write(block, block: Int(xattrBlock))
                    xattrBlocks[key] = xattrBlock
                }
            }
            var iBlock: [UInt32]
            switch item.content {
            case .inline(let blocks):
                iBlock = blocks
            case .memory(let bytes):
                let map = try Ext2BlockMap.build(logical: Ext2Plan.logical(item), perBlock: Ext2Plan.perBlock, allocate: { try allocator.allocate() })
                try bytes.withUnsafeBytes { buf in
                    for (i, p) in map.physical.enumerated() {
                        try image.write(UnsafeRawBufferPointer(rebasing: buf[(i * bs)..<((i + 1) * bs)]), block: Int(p))
                    }
                }
                try writeIndirect(map, image)
                iBlock = map.iBlock
            case .host(let file):
                let map = try Ext2BlockMap.build(logical: file.logicalBlocks, perBlock: Ext2Plan.perBlock, allocate: { try allocator.allocate() })
                try file.copy(to: image, physical: map.physical, blockSize: bs)
                try writeIndirect(map, image)
                iBlock = map.iBlock
            }
            let e = node.entry
            let inode = Ext2Inode(mode: Self.typeBits(e.kind) | e.mode, uid: e.uid, gid: e.gid, size: item.size,
                                  time: e.mtime ?? time, links: UInt16(node.links),
                                  blocks: item.dataBlocks + item.indirectBlocks + (xattrBlock == 0 ? 0 : 1),
                                  iBlock: iBlock, xattrBlock: xattrBlock)
            let index = Int(node.number) - 1
            let group = index / g.inodesPerGroup
            if e.kind == .directory { directories[group] += 1 }
            inode.encode(into: &tables[group, default: [UInt8](repeating: 0, count: g.inodeTableBlocks * bs)],
                         at: (index % g.inodesPerGroup) * Ext2Geometry.inodeSize)
        }
        guard allocator.allocated == plan.blocksNeeded else {
            throw BuildError.format(path: image.path, reason: "allocated \(allocator.allocated) blocks, planned \(plan.blocksNeeded)")
        }

        for (group, table) in tables.sorted(by: { $0.key < $1.key }) {
            try image.write(table, block: g.inodeTable(group))
        }
        let usedInodes = Int(plan.tree.lastInode)
        var descriptors: [UInt8] = []
        var freeBlocks = 0
        for group in 0..<g.groupCount {
            let used = allocator.used[group]
            var blockBitmap = Bitmap(bytes: bs)
            blockBitmap.set(0..<(g.overhead(group) + used))
            blockBitmap.set(g.groupBlocks(group)..<Ext2Geometry.blocksPerGroup)  // past the end of the filesystem
            var inodeBitmap = Bitmap(bytes: bs)
            let inodesHere = min(max(usedInodes - group * g.inodesPerGroup, 0), g.inodesPerGroup)
            inodeBitmap.set(0..<inodesHere)
            inodeBitmap.set(g.inodesPerGroup..<Ext2Geometry.blocksPerGroup)
            try image.write(blockBitmap.bytes, block: g.blockBitmap(group))
            try image.write(inodeBitmap.bytes, block: g.inodeBitmap(group))
            let free = g.groupBlocks(group) - g.overhead(group) - used
            freeBlocks += free
            descriptors += Ext2Superblock.descriptor(blockBitmap: g.blockBitmap(group), inodeBitmap: g.inodeBitmap(group),
                                                     inodeTable: g.inodeTable(group), freeBlocks: free,
                                                     freeInodes: g.inodesPerGroup - inodesHere, directories: directories[group])
        }
        descriptors += [UInt8](repeating: 0, count: g.descriptorBlocks * bs - descriptors.count)
        for group in 0..<g.groupCount where Ext2Geometry.hasSuperblock(group: group) {
            try image.write(descriptors, block: g.groupStart(group) + 1)
        }

        var hash = image.hash
        hash.add(options.label)
        let uuid = options.uuid ?? Self.versionFour(hash.digest(salt: 1))
        let superblock = Ext2Superblock(
            geometry: g, freeBlocks: freeBlocks, freeInodes: g.inodeCount - usedInodes, uuid: uuid,
            hashSeed: options.hashSeed ?? Self.versionFour(hash.digest(salt: 2)), label: Array(options.label.utf8),
            time: superblockTime(plan.tree, time),
            extendedAttributes: plan.hasXattrs)
        for group in 0..<g.groupCount where Ext2Geometry.hasSuperblock(group: group) {
            try image.write(superblock.encode(group: group), offset: group == 0 ? 1024 : g.groupStart(group) * bs)
        }
        return Ext2Summary(blocks: g.blockCount, usedBlocks: g.blockCount - freeBlocks, inodes: g.inodeCount,
                           usedInodes: usedInodes, bytesWritten: image.bytesWritten, uuid: Ext2Options.formatUUID(uuid))
    }

    /// The newest entry time that is not in the future (e2fsck rejects a superblock written
    /// in the future), so it stays the same from run to run unless a file's time is passed.
    private func superblockTime(_ tree: Ext2Tree, _ fallback: Ext2Time) -> UInt32 {
        let now = Int64(Date().timeIntervalSince1970)
        let times = tree.nodes.compactMap { $0?.entry.mtime?.seconds } + [fallback.seconds]
        return UInt32(clamping: times.filter { $0 <= now }.max() ?? 0)
    }

    private func writeIndirect(_ map: Ext2BlockMap, _ image: Ext2ImageFile) throws {
        for (block, pointers) in map.indirect {
            try pointers.withUnsafeBytes { try image.write($0, block: Int(block)) }  // x86-64 is little-endian
        }
    }

    private static func versionFour(_ b: [UInt8]) -> [UInt8] {
        var u = b
        u[6] = (u[6] & 0x0F) | 0x40
        u[8] = (u[8] & 0x3F) | 0x80
        return u
    }

    static func typeBits(_ kind: Ext2Entry.Kind) -> UInt16 {
        switch kind {
        case .directory: return Ext2Inode.typeDirectory
        case .file, .hardLink: return Ext2Inode.typeRegular
        case .symlink: return Ext2Inode.typeSymlink
        case .characterDevice: return Ext2Inode.typeCharacter
        case .blockDevice: return Ext2Inode.typeBlock
        case .fifo: return Ext2Inode.typeFifo
        case .socket: return Ext2Inode.typeSocket
        }
    }
}

/// Hands out data blocks in order, group after group, skipping each group's metadata.
struct Ext2Allocator {
    let geometry: Ext2Geometry
    let path: String
    private(set) var used: [Int]
    private(set) var allocated = 0
    private var group = 0

    init(geometry: Ext2Geometry, path: String) {
        self.geometry = geometry
        self.path = path
        used = [Int](repeating: 0, count: geometry.groupCount)
    }

    mutating func allocate() throws -> UInt32 {
        while group < geometry.groupCount,
              geometry.overhead(group) + used[group] >= geometry.groupBlocks(group) {
            group += 1
        }
        guard group < geometry.groupCount else {
            throw BuildError.format(path: path, reason: "image is too small for its contents")
        }
        let block = geometry.firstDataBlock(group) + used[group]
        used[group] += 1
        allocated += 1
        return UInt32(block)
    }
}
