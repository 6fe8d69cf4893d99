/// What goes into an ext2 image: one entry per path, written in the image exactly as
/// described. The writer reads host files only while it writes, so the manifest is cheap.
public struct Ext2Entry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case directory
        case file(Ext2Source)
        case symlink(target: String)
        /// Another name for the inode of the entry at `path` (a regular file, device…).
        case hardLink(to: String)
        case characterDevice(major: UInt32, minor: UInt32)
        case blockDevice(major: UInt32, minor: UInt32)
        case fifo
        case socket
    }

    /// An absolute image path ("/usr/lib/x"); "/" is the root directory.
    public var path: String
    public var kind: Kind
    /// Permission bits with setuid, setgid and sticky (0o7777); the type comes from `kind`.
    public var mode: UInt16
    public var uid: UInt32
    public var gid: UInt32
    /// Seconds and nanoseconds since the epoch; nil takes the image's default time.
    public var mtime: Ext2Time?
    /// Extended attributes by full name ("security.capability"), kept in this order's sort.
    public var xattrs: [Ext2Xattr]

    public init(path: String, kind: Kind, mode: UInt16, uid: UInt32 = 0, gid: UInt32 = 0,
                mtime: Ext2Time? = nil, xattrs: [Ext2Xattr] = []) {
        self.path = path
        self.kind = kind
        self.mode = mode & 0o7777
        self.uid = uid
        self.gid = gid
        self.mtime = mtime
        self.xattrs = xattrs
    }
}

/// File contents: a host file read while the image is written, or bytes held in memory.
public enum Ext2Source: Sendable, Equatable {
    case host(path: String)
    case bytes([UInt8])
}

public struct Ext2Time: Sendable, Equatable, Comparable {
    public var seconds: Int64
    public var nanoseconds: UInt32

    public init(seconds: Int64, nanoseconds: UInt32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func < (a: Ext2Time, b: Ext2Time) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }
}

public struct Ext2Xattr: Sendable, Equatable {
    public var name: String
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }
}

/// The entries of an image by path. Parents missing from the manifest are made as
/// 0755 root-owned directories; "/lost+found" is always present, as e2fsck wants it.
public struct Ext2Manifest: Sendable {
    public private(set) var entries: [String: Ext2Entry] = [:]

    public init() {}

    public init(_ list: [Ext2Entry]) throws {
        for e in list { try add(e) }
    }

    /// Adds an entry; a second entry for the same path is an error naming it.
    public mutating func add(_ entry: Ext2Entry) throws {
        var entry = entry
        entry.path = try Self.normalize(entry.path)
        if case .hardLink(let to) = entry.kind { entry.kind = .hardLink(to: try Self.normalize(to)) }
        guard entries[entry.path] == nil else {
            throw BuildError.format(path: entry.path, reason: "appears twice in the image manifest")
        }
        entries[entry.path] = entry
    }

    public func contains(_ path: String) -> Bool {
        guard let p = try? Self.normalize(path) else { return false }
        return entries[p] != nil
    }

    public subscript(path: String) -> Ext2Entry? {
        guard let p = try? Self.normalize(path) else { return nil }
        return entries[p]
    }

    /// "/a//b/" → "/a/b"; refuses relative paths and "." or ".." components.
    static func normalize(_ path: String) throws -> String {
        guard path.hasPrefix("/") else {
            throw BuildError.format(path: path, reason: "image paths must be absolute")
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for p in parts where p == "." || p == ".." {
            throw BuildError.format(path: path, reason: "image paths may not contain . or ..")
        }
        return "/" + parts.joined(separator: "/")
    }
}
