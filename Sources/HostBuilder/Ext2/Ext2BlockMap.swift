/// The classic ext2 block map: 12 direct pointers in the inode, then single, double and
/// triple indirect trees of `perBlock` pointers each. Only parts of a tree that map data
/// exist, so holes cost nothing; an indirect block is placed just before the first data
/// block it maps, as the kernel's allocator does.
struct Ext2BlockMap {
    /// i_block of the inode.
    var iBlock = [UInt32](repeating: 0, count: 15)
    /// Indirect blocks in allocation order, each `perBlock` little-endian pointers.
    var indirect: [(block: UInt32, pointers: [UInt32])] = []
    /// The physical block of each logical block given, in the same order.
    var physical: [UInt32] = []

    static let direct = 12

    /// Where logical block `l` hangs: its i_block slot and, below it, the index into each
    /// indirect level (empty for a direct block).
    static func path(_ l: UInt64, perBlock p: UInt64) -> (slot: Int, indexes: [Int]) {
        if l < 12 { return (Int(l), []) }
        var n = l - 12
        if n < p { return (12, [Int(n)]) }
        n -= p
        if n < p * p { return (13, [Int(n / p), Int(n % p)]) }
        n -= p * p
        return (14, [Int(n / (p * p)), Int((n / p) % p), Int(n % p)])
    }

    /// The largest logical block count the map can address.
    static func capacity(perBlock p: UInt64) -> UInt64 { 12 + p + p * p + p * p * p }

    /// How many indirect blocks mapping `logical` (ascending) takes.
    static func indirectCount(logical: some Sequence<UInt64>, perBlock p: UInt64) -> Int {
        var count = 0
        var last: [Int: [Int]] = [:]  // slot → the index path of the previous block there
        for l in logical {
            let (slot, idx) = path(l, perBlock: p)
            guard !idx.isEmpty else { continue }
            let prev = last[slot]
            // Each level whose parent prefix changed starts a new indirect block.
            for depth in 0..<idx.count where prev == nil || Array(prev![..<depth]) != Array(idx[..<depth]) {
                count += 1
            }
            last[slot] = idx
        }
        return count
    }

    /// Allocates and maps `logical` (ascending) with blocks from `allocate`.
    static func build(logical: [UInt64], perBlock p: Int, allocate: () throws -> UInt32) rethrows -> Ext2BlockMap {
        var map = Ext2BlockMap()
        map.physical.reserveCapacity(logical.count)
        var where_: [UInt32: Int] = [:]  // indirect block → its index in `indirect`
        func node(_ pointer: inout UInt32) throws -> Int {
            if pointer == 0 {
                pointer = try allocate()
                where_[pointer] = map.indirect.count
                map.indirect.append((pointer, [UInt32](repeating: 0, count: p)))
            }
            return where_[pointer]!
        }
        for l in logical {
            let (slot, idx) = path(l, perBlock: UInt64(p))
            if idx.isEmpty {
                let b = try allocate()
                map.iBlock[slot] = b
                map.physical.append(b)
                continue
            }
            var top = map.iBlock[slot]
            var current = try node(&top)
            map.iBlock[slot] = top
            for depth in 0..<(idx.count - 1) {
                var child = map.indirect[current].pointers[idx[depth]]
                let n = try node(&child)
                map.indirect[current].pointers[idx[depth]] = child
                current = n
            }
            let b = try allocate()
            map.indirect[current].pointers[idx[idx.count - 1]] = b
            map.physical.append(b)
        }
        return map
    }
}
