/// Writes a cpio archive in the "newc" format the kernel unpacks as an initramfs.
/// Output is reproducible: inode numbers count up from 1 in insertion order, mtime is 0,
/// owner is root. Paths are stored relative ("bin/init"), parents are added on demand.
public struct CpioWriter {
    private var out: [UInt8] = []
    private var nextInode: UInt32 = 1
    private var directories: Set<String> = []

    public init() {
        out.reserveCapacity(1 << 20)
    }

    /// Adds a directory unless it is already in the archive (explicitly or as a parent).
    public mutating func addDirectory(_ path: String, mode: UInt32 = 0o755) {
        let name = Self.normalize(path)
        guard !name.isEmpty, !directories.contains(name) else { return }
        addParents(of: name)
        directories.insert(name)
        appendEntry(name: name, mode: 0o040000 | (mode & 0o7777), nlink: 2, data: [])
    }

    public mutating func addFile(_ path: String, bytes: [UInt8], mode: UInt32) {
        let name = Self.normalize(path)
        addParents(of: name)
        appendEntry(name: name, mode: 0o100000 | (mode & 0o7777), nlink: 1, data: bytes)
    }

    /// The link's data is its target, as the kernel and cpio(1) expect.
    public mutating func addSymlink(_ path: String, target: String) {
        let name = Self.normalize(path)
        addParents(of: name)
        appendEntry(name: name, mode: 0o120777, nlink: 1, data: Array(target.utf8))
    }

    /// The archive so far followed by the trailer; the writer can keep growing afterwards.
    public func finish() -> [UInt8] {
        var copy = self
        copy.appendEntry(name: "TRAILER!!!", mode: 0, nlink: 1, data: [], inode: 0)
        return copy.out
    }

    // Strips leading "/" and "./" and empty components: newc names are relative.
    private static func normalize(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
    }

    private mutating func addParents(of name: String) {
        var parents: [String] = []
        var components = name.split(separator: "/").dropLast()
        while !components.isEmpty {
            let parent = components.joined(separator: "/")
            if directories.contains(parent) { break }
            parents.append(parent)
            components = components.dropLast()
        }
        for parent in parents.reversed() {
            directories.insert(parent)
            appendEntry(name: parent, mode: 0o040755, nlink: 2, data: [])
        }
    }

    private mutating func appendEntry(name: String, mode: UInt32, nlink: UInt32, data: [UInt8], inode: UInt32? = nil) {
        let nameBytes = Array(name.utf8)
        precondition(data.count <= Int(UInt32.max), "newc cannot hold \(name): \(data.count) bytes exceed 4 GiB")
        let ino: UInt32
        if let inode { ino = inode } else { ino = nextInode; nextInode += 1 }
        out.append(contentsOf: [0x30, 0x37, 0x30, 0x37, 0x30, 0x31])  // "070701"
        // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
        for field in [ino, mode, 0, 0, nlink, 0, UInt32(data.count), 0, 0, 0, 0, UInt32(nameBytes.count + 1), 0] {
            appendHex8(field)
        }
        out.append(contentsOf: nameBytes)
        out.append(0)
        pad4()  // the 110-byte header plus the name is padded to 4
        out.append(contentsOf: data)
        pad4()
    }

    private mutating func appendHex8(_ value: UInt32) {
        for shift in stride(from: 28, through: 0, by: -4) {
            let nibble = UInt8((value >> UInt32(shift)) & 0xF)
            out.append(nibble < 10 ? 0x30 + nibble : 0x41 + nibble - 10)
        }
    }

    private mutating func pad4() {
        while out.count % 4 != 0 { out.append(0) }
    }
}
