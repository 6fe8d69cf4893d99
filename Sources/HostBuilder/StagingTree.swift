import Foundation

/// The appliance root as it is assembled: an ext2 manifest of host files, nothing copied.
/// Paths are given as they will be in the guest and are placed through the symlinks the
/// tree already holds, so "/lib/x" lands in usr/lib/x when /lib is a link to usr/lib.
/// The first entry for a path wins, as when copying over a folder that already has it.
struct StagingTree {
    private(set) var manifest = Ext2Manifest()
    /// Symlinks added so far, by image path, for placing later paths.
    private var links: [String: String] = [:]

    /// Follows symlinks that the tree itself holds, component by component.
    func physical(_ guestPath: String) -> String {
        var resolved: [String] = []
        var pending = guestPath.split(separator: "/").map(String.init)
        var hops = 0
        while !pending.isEmpty {
            let comp = pending.removeFirst()
            if comp == "." || comp.isEmpty { continue }
            if comp == ".." { _ = resolved.popLast(); continue }
            let candidate = "/" + (resolved + [comp]).joined(separator: "/")
            if !pending.isEmpty, hops < 40, let target = links[candidate] {
                hops += 1
                if target.hasPrefix("/") { resolved = [] }
                pending = target.split(separator: "/").map(String.init) + pending
                continue
            }
            resolved.append(comp)
        }
        return "/" + resolved.joined(separator: "/")
    }

    mutating func directory(_ guestPath: String, mode: UInt16 = 0o755, mtime: Ext2Time? = nil) throws {
        try add(Ext2Entry(path: physical(guestPath), kind: .directory, mode: mode, mtime: mtime))
    }

    mutating func symlink(_ guestPath: String, target: String, mtime: Ext2Time? = nil) throws {
        let path = physical(guestPath)
        if try add(Ext2Entry(path: path, kind: .symlink(target: target), mode: 0o777, mtime: mtime)) {
            links[path] = target
        }
    }

    /// A symlink unless the path is taken; says whether it was added.
    mutating func symlinkIfAbsent(_ guestPath: String, target: String) throws -> Bool {
        let path = physical(guestPath)
        guard !manifest.contains(path) else { return false }
        try symlink(guestPath, target: target)
        return true
    }

    /// The host file's contents at `guestPath`, owned by root, with `mode` and the host mtime.
    mutating func copyFile(from host: String, to guestPath: String, mode: Int) throws {
        var st = stat()
        guard stat(host, &st) == 0 else { throw BuildError.io(call: "stat", path: host, errno: errno) }
        try add(Ext2Entry(path: physical(guestPath), kind: .file(.host(path: host)), mode: UInt16(mode & 0o7777),
                          mtime: Self.mtime(st)))
    }

    /// A host path and every symlink hop to the file it names (a library's soname link
    /// and its real file), so the path resolves in the root as on the host.
    mutating func copyHostPathAndLinks(_ host: String) throws {
        for link in ElfNeeded.realpathChain(host) { try copyHostPath(link) }
    }

    /// A host path as it is: a symlink stays a symlink.
    mutating func copyHostPath(_ host: String) throws {
        var st = stat()
        guard lstat(host, &st) == 0 else { throw BuildError.io(call: "lstat", path: host, errno: errno) }
        if st.st_mode & S_IFMT == S_IFLNK {
            try symlink(host, target: try Ext2Manifest.readSymlink(host), mtime: Self.mtime(st))
        } else {
            try copyFile(from: host, to: host, mode: Int(st.st_mode & 0o7777))
        }
    }

    /// A folder's contents over the tree (rootfs-skel), keeping modes, times and symlinks.
    mutating func copyTree(from source: String, under prefix: String = "") throws {
        for name in try Ext2Manifest.listDirectory(source) {
            let host = source + "/" + name
            let guest = prefix + "/" + name
            var st = stat()
            guard lstat(host, &st) == 0 else { throw BuildError.io(call: "lstat", path: host, errno: errno) }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                try directory(guest, mode: UInt16(st.st_mode & 0o7777), mtime: Self.mtime(st))
                try copyTree(from: host, under: guest)
            case S_IFLNK:
                try symlink(guest, target: try Ext2Manifest.readSymlink(host), mtime: Self.mtime(st))
            default:
                try copyFile(from: host, to: guest, mode: Int(st.st_mode & 0o7777))
            }
        }
    }

    /// Adds the entry unless its path is taken; says whether it did.
    @discardableResult
    private mutating func add(_ entry: Ext2Entry) throws -> Bool {
        if manifest.contains(entry.path) { return false }
        try manifest.add(entry)
        return true
    }

    static func mtime(_ st: stat) -> Ext2Time {
        Ext2Time(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: UInt32(st.st_mtim.tv_nsec))
    }
}
