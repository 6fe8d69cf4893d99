/// The manifest as inodes: implicit parents filled in, hard links resolved to one inode,
/// inode numbers given depth-first in name order (root 2, lost+found 11, the rest from 12),
/// link counts and directory entries worked out.
struct Ext2Tree {
    struct Node {
        var entry: Ext2Entry
        var number: UInt32
        var links = 0
        var parent: UInt32 = 0
        /// Directory entries (without "." and ".."), in name order.
        var children: [Ext2Directory.Entry] = []
    }

    /// Indexed by inode number; nil for the reserved inodes 0, 1 and 3–10.
    private(set) var nodes: [Node?]
    var lastInode: UInt32 { UInt32(nodes.count - 1) }

    static let rootInode: UInt32 = 2
    static let lostFoundInode: UInt32 = 11
    static let linkMax = 32000  // EXT2_LINK_MAX

    init(manifest: Ext2Manifest, defaultTime: Ext2Time) throws {
        var entries = manifest.entries
        if entries["/"] == nil {
            entries["/"] = Ext2Entry(path: "/", kind: .directory, mode: 0o755, mtime: defaultTime)
        }
        if entries["/lost+found"] == nil {
            entries["/lost+found"] = Ext2Entry(path: "/lost+found", kind: .directory, mode: 0o700, mtime: defaultTime)
        }
        var names: [String: [(name: [UInt8], path: String)]] = [:]
        var listed: Set<String> = []
        for path in Array(entries.keys) where path != "/" {
            var child = path
            while child != "/" {
                let parent = Self.parent(of: child)
                let name = Array(child.utf8.suffix(from: child.utf8.lastIndex(of: UInt8(ascii: "/"))!).dropFirst())
                guard name.count <= 255 else {
                    throw BuildError.format(path: child, reason: "name is \(name.count) bytes; ext2 allows 255")
                }
                if entries[parent] == nil {
                    entries[parent] = Ext2Entry(path: parent, kind: .directory, mode: 0o755, mtime: defaultTime)
                }
                guard entries[parent]!.kind == .directory else {
                    throw BuildError.format(path: child, reason: "its parent \(parent) is not a directory in the manifest")
                }
                guard listed.insert(child).inserted else { break }
                names[parent, default: []].append((name, child))
                child = parent
            }
        }

        nodes = [Node?](repeating: nil, count: Int(Self.lostFoundInode) + 1)
        var numbers: [String: UInt32] = ["/": Self.rootInode, "/lost+found": Self.lostFoundInode]
        nodes[Int(Self.rootInode)] = Node(entry: entries["/"]!, number: Self.rootInode)
        nodes[Int(Self.lostFoundInode)] = Node(entry: entries["/lost+found"]!, number: Self.lostFoundInode)

        // The primary entry a hard link names, following chains of links.
        func primary(_ path: String) throws -> String {
            var current = path
            for _ in 0..<64 {
                guard let e = entries[current] else {
                    throw BuildError.format(path: path, reason: "is a hard link to \(current), which is not in the manifest")
                }
                guard case .hardLink(let to) = e.kind else {
                    if e.kind == .directory, current != path { throw BuildError.format(path: path, reason: "is a hard link to a directory") }
                    return current
                }
                current = to
            }
            throw BuildError.format(path: path, reason: "is a hard link in a loop")
        }

        // Depth-first, names in byte order, an explicit stack so deep trees cannot overflow.
        var stack: [String] = ["/"]
        while let dir = stack.popLast() {
            let dirNumber = numbers[dir]!
            let kids = (names[dir] ?? []).sorted { $0.name.lexicographicallyPrecedes($1.name) }
            var entriesOut: [Ext2Directory.Entry] = []
            var subdirs: [String] = []
            for kid in kids {
                let target = try primary(kid.path)
                let number: UInt32
                if let n = numbers[target] {
                    number = n
                } else {
                    number = UInt32(nodes.count)
                    numbers[target] = number
                    nodes.append(Node(entry: entries[target]!, number: number))
                }
                if target != kid.path { numbers[kid.path] = number }
                let entry = nodes[Int(number)]!.entry
                if entry.kind == .directory {
                    guard target == kid.path else { throw BuildError.format(path: kid.path, reason: "is a hard link to a directory") }
                    nodes[Int(number)]!.parent = dirNumber
                    nodes[Int(number)]!.links += 2
                    nodes[Int(dirNumber)]!.links += 1
                    subdirs.append(kid.path)
                } else {
                    nodes[Int(number)]!.links += 1
                }
                entriesOut.append(Ext2Directory.Entry(name: kid.name, inode: number, type: Self.fileType(entry.kind)))
            }
            nodes[Int(dirNumber)]!.children = entriesOut
            stack.append(contentsOf: subdirs.reversed())
        }
        nodes[Int(Self.rootInode)]!.links += 2
        nodes[Int(Self.rootInode)]!.parent = Self.rootInode
        for case let n? in nodes where n.links > Self.linkMax {
            throw BuildError.format(path: n.entry.path, reason: "has \(n.links) links; ext2 allows \(Self.linkMax)")
        }
    }

    subscript(number: UInt32) -> Node? { nodes[Int(number)] }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    static func fileType(_ kind: Ext2Entry.Kind) -> Ext2Directory.FileType {
        switch kind {
        case .directory: return .directory
        case .file, .hardLink: return .regular
        case .symlink: return .symlink
        case .characterDevice: return .characterDevice
        case .blockDevice: return .blockDevice
        case .fifo: return .fifo
        case .socket: return .socket
        }
    }
}
