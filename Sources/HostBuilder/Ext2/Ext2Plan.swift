/// What each inode holds and how many blocks it takes, worked out before anything is
/// written so the image can be sized and every failure found early.
struct Ext2Plan {
    enum Content {
        /// Devices, FIFOs, sockets, fast symlinks and empty files: everything is in i_block.
        case inline([UInt32])
        /// Directories, slow symlinks, in-memory files: bytes padded to whole blocks.
        case memory([UInt8])
        case host(Ext2HostFile)
    }

    struct Item {
        var content: Content
        var size: UInt64
        var dataBlocks: Int
        var indirectBlocks: Int
        /// The encoded xattr block (refcount 0) when the inode has xattrs.
        var xattrKey: [UInt8]?
    }

    let tree: Ext2Tree
    /// By inode number, like the tree.
    private(set) var items: [Item?]
    /// How many inodes share each xattr block.
    private(set) var xattrRefs: [[UInt8]: UInt32] = [:]
    private(set) var blocksNeeded = 0

    static let perBlock = Ext2Geometry.blockSize / 4
    static let maxFileSize: UInt64 = UInt64(UInt32.max) * 512  // i_blocks is 32 bits of sectors

    init(tree: Ext2Tree) throws {
        self.tree = tree
        let bs = Ext2Geometry.blockSize
        items = [Item?](repeating: nil, count: tree.nodes.count)
        for case let node? in tree.nodes {
            let e = node.entry
            var item: Item
            switch e.kind {
            case .directory:
                let bytes = Ext2Directory.encode(selfInode: node.number, parentInode: node.parent,
                                                 entries: node.children, blockSize: bs)
                item = Item(content: .memory(bytes), size: UInt64(bytes.count), dataBlocks: bytes.count / bs, indirectBlocks: 0)
            case .symlink(let target):
                let bytes = Array(target.utf8)
                guard !bytes.isEmpty, bytes.count < bs else {
                    throw BuildError.format(path: e.path, reason: "symlink target is \(bytes.count) bytes; ext2 takes 1 to \(bs - 1)")
                }
                if bytes.count < 60 {
                    item = Item(content: .inline(Ext2Inode.inlineBlock(bytes)), size: UInt64(bytes.count), dataBlocks: 0, indirectBlocks: 0)
                } else {
                    item = Item(content: .memory(bytes + [UInt8](repeating: 0, count: bs - bytes.count)),
                                size: UInt64(bytes.count), dataBlocks: 1, indirectBlocks: 0)
                }
            case .file(.bytes(let bytes)):
                let blocks = (bytes.count + bs - 1) / bs
                item = Item(content: .memory(bytes + [UInt8](repeating: 0, count: blocks * bs - bytes.count)),
                            size: UInt64(bytes.count), dataBlocks: blocks, indirectBlocks: 0)
            case .file(.host(let path)):
                let file = try Ext2HostFile(path: path, blockSize: bs)
                guard file.size <= Self.maxFileSize, file.runs.last.map({ $0.upperBound <= Ext2BlockMap.capacity(perBlock: UInt64(Self.perBlock)) }) ?? true else {
                    throw BuildError.format(path: path, reason: "is \(file.size) bytes; ext2 without huge_file holds up to 2 TiB")
                }
                item = Item(content: .host(file), size: file.size, dataBlocks: Int(file.blockCount), indirectBlocks: 0)
            case .characterDevice(let major, let minor), .blockDevice(let major, let minor):
                item = Item(content: .inline(Ext2Inode.deviceBlock(major: major, minor: minor)), size: 0, dataBlocks: 0, indirectBlocks: 0)
            case .fifo, .socket, .hardLink:
                item = Item(content: .inline([UInt32](repeating: 0, count: 15)), size: 0, dataBlocks: 0, indirectBlocks: 0)
            }
            item.indirectBlocks = Ext2BlockMap.indirectCount(logical: Self.logical(item), perBlock: UInt64(Self.perBlock))
            if !e.xattrs.isEmpty {
                switch Ext2XattrBlock.encode(e.xattrs, refcount: 0, blockSize: bs) {
                case .success(let block):
                    item.xattrKey = block
                    if xattrRefs[block] == nil { blocksNeeded += 1 }
                    xattrRefs[block, default: 0] += 1
                case .failure(.badName(let name)):
                    throw BuildError.format(path: e.path, reason: "xattr \(name) has no ext2 name prefix (user., trusted., security.)")
                case .failure(.tooBig):
                    throw BuildError.format(path: e.path, reason: "xattrs do not fit in one \(bs)-byte block")
                }
            }
            blocksNeeded += item.dataBlocks + item.indirectBlocks
            items[Int(node.number)] = item
        }
    }

    /// The logical blocks an item maps, ascending.
    static func logical(_ item: Item) -> [UInt64] {
        switch item.content {
        case .inline: return []
        case .memory: return Array(0..<UInt64(item.dataBlocks))
        case .host(let f): return f.logicalBlocks
        }
    }

    var hasXattrs: Bool { !xattrRefs.isEmpty }
}
