import Foundation

/// The appliance root: guestd as /init, the C libraries it links, the host programs it
/// runs (HostFiles), busybox's applets (ShellTools), rootfs-skel, and the filesystem and block-device modules guestd
/// loads on demand. It is written straight from
/// the host files by our ext2 writer: no staging copy, no mke2fs.
struct RootImage {
    let inputs: BuildInputs
    let uuid: String
    let progress: @Sendable (String) -> Void
    /// Libraries guestd opens with dlopen (its Kmod.swift, AugeasLibrary.swift,
    /// Journal.swift, HivexLibrary.swift, TSK.swift, ACL.swift, Capabilities.swift and
    /// Yara.swift, SELinuxContext.swift), which no ELF header names.
    static let guestdDlopened = ["libkmod.so.2", "libaugeas.so.0", "libsystemd.so.0", "libhivex.so.0", "libtsk.so.19",
                                        "libacl.so.1", "libcap.so.2", "libyara.so.9", "libselinux.so.1"]

    /// Mount points and work folders guestd expects to exist in a read-only root.
    static let directories = ["/proc", "/sys", "/dev", "/tmp", "/run", "/sysroot", "/etc"]
    /// Merged-/usr distributions make these symlinks; the root keeps the same shape so the
    /// ELF interpreter path and library paths stay valid.
    static let topLevelLinks = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]

    func write(to image: String) throws {
        var tree = StagingTree()
        for link in Self.topLevelLinks {
            if let target = try? Ext2Manifest.readSymlink(link) { try tree.symlink(link, target: target) }
        }
        for dir in Self.directories { try tree.directory(dir) }
        try tree.copyFile(from: inputs.guestdBinary, to: "/init", mode: 0o755)

        let libraries = try ElfNeeded.closure(of: [inputs.guestdBinary], dlopened: Self.guestdDlopened)
        for lib in libraries { try tree.copyHostPathAndLinks(lib) }
        let tools = try HostFiles(progress: progress).copy(into: &tree)
        let applets = try ShellTools.copy(into: &tree, progress: progress)
        if let sshd = inputs.sshdBinary { try SSHTools.copy(sshd: sshd, kernel: inputs.kernel, into: &tree, progress: progress) }
        let moduleCount = try copyModules(into: &tree)
        if let skel = inputs.skeleton { try tree.copyTree(from: skel) }

        guard let uuidBytes = Ext2Options.parseUUID(uuid) else {
            throw BuildError.format(path: image, reason: "root UUID \(uuid) is not 32 hex digits")
        }
        let options = Ext2Options(label: "appliance", uuid: uuidBytes)
        let summary = try Ext2Writer(manifest: tree.manifest, options: options).write(to: image)
        progress("root: guestd + \(libraries.count) libraries + \(moduleCount) modules + \(tools.programs) host programs "
                 + "(\(tools.libraries) libraries\(tools.missing.isEmpty ? "" : ", \(tools.missing.count) missing")), busybox with \(applets) applets, ext2 \(summary.blocks / 256) MiB "
                 + "(\(summary.usedBlocks * 4 / 1024) MiB used, \(summary.usedInodes) inodes), UUID=\(uuid)")
    }

    /// Modules under BootModules.rootPrefixes (less rootExcluded) and everything they
    /// depend on, by modules.dep.
    private func copyModules(into tree: inout StagingTree) throws -> Int {
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
        for m in deps.keys
        where BootModules.rootPrefixes.contains(where: { m.hasPrefix($0) }) && !BootModules.rootExcluded.contains(where: { m.hasPrefix($0) }) {
            add(m)
        }

        let guestDir = "/lib/modules/" + inputs.kernel.version
        for m in wanted.sorted() { try tree.copyFile(from: dir + "/" + m, to: guestDir + "/" + m, mode: 0o644) }
        for index in BootModules.indexFiles where FileManager.default.fileExists(atPath: dir + "/" + index) {
            try tree.copyFile(from: dir + "/" + index, to: guestDir + "/" + index, mode: 0o644)
        }
        return wanted.count
    }
}
