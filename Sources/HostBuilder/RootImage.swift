import Foundation

/// The appliance root: guestd as /init, the C libraries it links, rootfs-skel, and the
/// filesystem and block-device modules guestd loads on demand. For now it is staged in a
/// temporary folder and made with `mke2fs -t ext2 -d`.
struct RootImage {
    let inputs: BuildInputs
    let uuid: String
    let progress: @Sendable (String) -> Void

    /// Mount points and work folders guestd expects to exist in a read-only root.
    static let directories = ["/proc", "/sys", "/dev", "/tmp", "/run", "/sysroot", "/etc"]
    /// Merged-/usr distributions make these symlinks; the root keeps the same shape so the
    /// ELF interpreter path and library paths stay valid.
    static let topLevelLinks = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]

    func write(to image: String) throws {
        let staging = NSTemporaryDirectory() + "appliance-root-\(getpid())-\(UUID().uuidString)"
        try makeDirectory(staging)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let tree = StagingTree(root: staging)

        for link in Self.topLevelLinks {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) {
                try tree.symlink(link, target: target)
            }
        }
        for dir in Self.directories { try tree.directory(dir) }
        try tree.copyFile(from: inputs.guestdBinary, to: "/init", mode: 0o755)

        let libraries = try ElfNeeded.closure(of: [inputs.guestdBinary])
        for lib in libraries {
            for link in ElfNeeded.realpathChain(lib) { try tree.copyHostPath(link) }
        }
        let moduleCount = try copyModules(into: tree)
        if let skel = inputs.skeleton { try tree.copyTree(from: skel) }

        let size = try Self.imageSize(for: staging)
        try Self.runMke2fs(staging: staging, image: image, sizeKiB: size, uuid: uuid)
        progress("root: guestd + \(libraries.count) libraries + \(moduleCount) modules, ext2 \(size / 1024) MiB, UUID=\(uuid)")
    }

    /// Modules under BootModules.rootPrefixes and everything they depend on, by modules.dep.
    private func copyModules(into tree: StagingTree) throws -> Int {
        let dir = inputs.kernel.modulesDir
        let dep = try String(contentsOfFile: dir + "/modules.dep", encoding: .utf8)
        var deps: [String: [String]] = [:]
        for line in dep.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            deps[String(line[..<colon])] = line[line.index(after: colon)...].split(separator: " ").map(String.init)
        }
        var wanted = Set<String>()
        func add(_ m: String) {
            guard wanted.insert(m).inserted else { return }
            for d in deps[m] ?? [] { add(d) }
        }
        for m in deps.keys where BootModules.rootPrefixes.contains(where: { m.hasPrefix($0) }) { add(m) }

        let guestDir = "/lib/modules/" + inputs.kernel.version
        for m in wanted.sorted() { try tree.copyFile(from: dir + "/" + m, to: guestDir + "/" + m, mode: 0o644) }
        for index in BootModules.indexFiles where FileManager.default.fileExists(atPath: dir + "/" + index) {
            try tree.copyFile(from: dir + "/" + index, to: guestDir + "/" + index, mode: 0o644)
        }
        return wanted.count
    }

    /// The tree's size in 4 KiB blocks plus inode tables and a quarter of headroom, at least
    /// 32 MiB; the image is sparse, so unused space costs nothing on the host.
    static func imageSize(for staging: String) throws -> Int {
        var blocks = 0, entries = 0
        let walker = FileManager.default.enumerator(atPath: staging)
        while let rel = walker?.nextObject() as? String {
            entries += 1
            var st = stat()
            if lstat(staging + "/" + rel, &st) == 0 { blocks += (Int(st.st_size) + 4095) / 4096 }
        }
        let kib = (blocks * 4 + entries / 8) * 5 / 4 + 16 * 1024
        return max(32 * 1024, (kib + 4095) / 4096 * 4096)
    }

    static func runMke2fs(staging: String, image: String, sizeKiB: Int, uuid: String) throws {
        let mke2fs = try findTool("mke2fs")
        // 4 KiB blocks so the image also mounts from a CD-ROM (2 KiB sectors).
        let args = ["-q", "-F", "-t", "ext2", "-b", "4096", "-m", "0", "-U", uuid, "-L", "appliance",
                    "-E", "root_owner=0:0", "-d", staging, image, "\(sizeKiB)k"]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: mke2fs)
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = err
        try p.run()
        let output = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let msg = String(decoding: output, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw BuildError.format(path: image, reason: "mke2fs exited with \(p.terminationStatus): \(msg)")
        }
    }
}

/// Looks a host tool up on PATH and in the sbin folders a non-root PATH may lack.
func findTool(_ name: String) throws -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for dir in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] {
        let candidate = dir + "/" + name
        if access(candidate, X_OK) == 0 { return candidate }
    }
    throw BuildError.notFound(what: "the \(name) program", hint: "install it (apt-get install e2fsprogs qemu-system-x86)")
}
