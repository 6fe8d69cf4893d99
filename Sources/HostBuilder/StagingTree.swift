import Foundation

/// A folder standing for the appliance root while it is assembled. Paths are given as
/// they will be in the guest and are placed through the symlinks already in the tree, so
/// "/lib/x" lands in usr/lib/x when /lib is a link to usr/lib.
struct StagingTree {
    let root: String

    /// Follows symlinks that the staging tree itself holds, component by component.
    func physical(_ guestPath: String) -> String {
        var resolved: [String] = []
        var pending = guestPath.split(separator: "/").map(String.init)
        var hops = 0
        while !pending.isEmpty {
            let comp = pending.removeFirst()
            if comp == "." || comp.isEmpty { continue }
            if comp == ".." { _ = resolved.popLast(); continue }
            let candidate = "/" + (resolved + [comp]).joined(separator: "/")
            if !pending.isEmpty, hops < 40,
               let target = try? FileManager.default.destinationOfSymbolicLink(atPath: root + candidate) {
                hops += 1
                if target.hasPrefix("/") { resolved = [] }
                pending = target.split(separator: "/").map(String.init) + pending
                continue
            }
            resolved.append(comp)
        }
        return "/" + resolved.joined(separator: "/")
    }

    func directory(_ guestPath: String) throws { try makeDirectory(root + physical(guestPath)) }

    func symlink(_ guestPath: String, target: String) throws {
        let dest = root + physical(guestPath)
        try makeDirectory((dest as NSString).deletingLastPathComponent)
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: dest)) != nil { return }
        guard Glibc.symlink(target, dest) == 0 else { throw BuildError.io(call: "symlink", path: dest, errno: errno) }
    }

    func copyFile(from host: String, to guestPath: String, mode: Int) throws {
        let dest = root + physical(guestPath)
        try makeDirectory((dest as NSString).deletingLastPathComponent)
        if FileManager.default.fileExists(atPath: dest) { return }
        do { try FileManager.default.copyItem(atPath: host, toPath: dest) } catch {
            throw BuildError.io(call: "copy", path: host, errno: (error as NSError).underlyingErrorCode)
        }
        guard chmod(dest, mode_t(mode)) == 0 else { throw BuildError.io(call: "chmod", path: dest, errno: errno) }
    }

    /// Copies a host path as it is: a symlink stays a symlink.
    func copyHostPath(_ host: String) throws {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: host) {
            try symlink(host, target: target)
        } else {
            var st = stat()
            guard stat(host, &st) == 0 else { throw BuildError.io(call: "stat", path: host, errno: errno) }
            try copyFile(from: host, to: host, mode: Int(st.st_mode & 0o7777))
        }
    }

    /// Copies a folder's contents over the tree (rootfs-skel), keeping modes and symlinks.
    func copyTree(from source: String) throws {
        guard let walker = FileManager.default.enumerator(atPath: source) else {
            throw BuildError.io(call: "opendir", path: source, errno: errno)
        }
        for case let rel as String in walker {
            let host = source + "/" + rel
            var st = stat()
            guard lstat(host, &st) == 0 else { throw BuildError.io(call: "lstat", path: host, errno: errno) }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: try directory("/" + rel)
            case S_IFLNK: try symlink("/" + rel, target: try FileManager.default.destinationOfSymbolicLink(atPath: host))
            default: try copyFile(from: host, to: "/" + rel, mode: Int(st.st_mode & 0o7777))
            }
        }
    }
}
