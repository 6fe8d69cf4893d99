import Foundation

/// Everything an appliance is made from.
public struct BuildInputs: Sendable {
    public var kernel: KernelChoice
    /// The static init of the initrd and the daemon that becomes the root's /init.
    public var initBinary: String
    public var guestdBinary: String
    /// rootfs-skel: files copied verbatim into the root.
    public var skeleton: String?
    public var initrdModules: [String] = BootModules.initrd
    /// appliance-sshd: set, the root also holds the SSH server and a shell toolset
    /// (SSHTools), and the appliance is cached apart from the default one.
    public var sshdBinary: String?

    public init(kernel: KernelChoice, initBinary: String, guestdBinary: String, skeleton: String?) {
        self.kernel = kernel
        self.initBinary = initBinary
        self.guestdBinary = guestdBinary
        self.skeleton = skeleton
    }
}

/// Builds appliances: kernel (the PVH ELF when the kernel has one), initrd (cpio), root (ext2).
public struct Builder: Sendable {
    public let inputs: BuildInputs
    /// Receives one line per step; the CLI prints them on stderr.
    public let progress: @Sendable (String) -> Void

    public init(inputs: BuildInputs, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.inputs = inputs
        self.progress = progress
    }

    /// The content key: stat fingerprints of every input and the builder's version.
    public func key() throws -> String {
        var lines = [Cache.builderVersion, inputs.initrdModules.joined(separator: ",")]
        lines.append(try Cache.fingerprint(inputs.kernel.kernel))
        lines.append(try Cache.fingerprint(inputs.kernel.modulesDir + "/modules.dep"))
        lines.append(try Cache.fingerprint(inputs.initBinary))
        lines.append(try Cache.fingerprint(inputs.guestdBinary))
        if let skel = inputs.skeleton { lines += try Cache.treeFingerprint(skel) }
        // Host tools copied into the root: installing or upgrading one changes the root.
        for path in HostFiles.programs.map(\.path) + HostFiles.dataFiles {
            lines.append((try? Cache.fingerprint(path)) ?? "\(path) absent")
        }
        for dir in HostFiles.dataTrees { lines += (try? Cache.treeFingerprint(dir)) ?? ["\(dir) absent"] }
        lines.append(ShellTools.keyLine)
        lines.append((try? Cache.fingerprint(ShellTools.busybox)) ?? "\(ShellTools.busybox) absent")
        if let sshd = inputs.sshdBinary {
            lines.append(SSHTools.keyLine)
            lines.append(try Cache.fingerprint(sshd))
            for path in SSHTools.fingerprintedPaths { lines.append((try? Cache.fingerprint(path)) ?? "\(path) absent") }
        }
        return Cache.digest(lines)
    }

    /// The cache folder's name before the key, so a person can tell the ssh variant apart.
    var cachePrefix: String { inputs.sshdBinary == nil ? "appliance-" : "appliance-ssh-" }

    /// The cached appliance for these inputs, built first if it is missing or incomplete.
    public func cached(in cacheDir: String = Cache.defaultDirectory(), force: Bool = false) throws -> Appliance {
        try makeDirectory(cacheDir)
        let key = try key()
        let appliance = Appliance(directory: "\(cacheDir)/\(cachePrefix)\(key.prefix(16))")
        if !force, isComplete(appliance, key: key) { return appliance }
        let lock = try CacheLock(directory: cacheDir)
        defer { withExtendedLifetime(lock) {} }
        // Another builder may have finished while we waited for the lock.
        if !force, isComplete(appliance, key: key) { return appliance }
        try build(into: appliance.directory, key: key, sharedKernel: "\(cacheDir)/kernel-\(try kernelKey().prefix(16))")
        removeStale(in: cacheDir, keeping: appliance.directory)
        return appliance
    }

    /// What tells apart appliances kept side by side for one host (the default one,
    /// `--xen`, `--ssh`): a new build replaces only older builds of its own variant.
    var variant: String {
        String(Cache.digest([inputs.initrdModules.joined(separator: ","), inputs.sshdBinary == nil ? "" : "ssh"]).prefix(16))
    }

    /// The unpacked kernel depends on the kernel file alone: appliances of every variant,
    /// and rebuilds for a new init or guestd, share one copy (hard links in the cache).
    func kernelKey() throws -> String {
        Cache.digest([Cache.builderVersion, try Cache.fingerprint(inputs.kernel.kernel)])
    }

    /// Builds into `directory` under a temporary name and renames it into place.
    @discardableResult
    public func build(into directory: String, force: Bool) throws -> Appliance {
        let key = try key()
        let appliance = Appliance(directory: directory)
        if !force, isComplete(appliance, key: key) { return appliance }
        let fm = FileManager.default
        if fm.fileExists(atPath: directory) {
            // Never delete a folder that is not an appliance: --output may be mistyped.
            guard fm.fileExists(atPath: appliance.readmeFixed) || fm.fileExists(atPath: appliance.stamp) else {
                throw BuildError.format(path: directory, reason: "exists and is not an appliance; choose another --output")
            }
            guard force else {
                throw BuildError.format(path: directory, reason: "holds an appliance built from other inputs; use --force to replace it")
            }
        }
        try build(into: directory, key: key)
        return appliance
    }

    /// The stamp: the key, then each file's size. A stamp that names this key and sizes
    /// that stat confirms mean a complete appliance; a truncated or missing file does not.
    static func stamp(key: String, variant: String, of a: Appliance) -> String? {
        var text = key + "\nvariant \(variant)\n"
        for path in [a.kernel, a.initrd, a.root, a.bootModules, a.readmeFixed] {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }
            text += "\((path as NSString).lastPathComponent) \(st.st_size)\n"
        }
        return text
    }

    func isComplete(_ a: Appliance, key: String) -> Bool {
        guard let recorded = try? String(contentsOfFile: a.stamp, encoding: .utf8) else { return false }
        return recorded == Self.stamp(key: key, variant: variant, of: a)
    }

    private func build(into directory: String, key: String, sharedKernel: String? = nil) throws {
        let started = Date()
        let parent = (directory as NSString).deletingLastPathComponent
        try makeDirectory(parent)
        let tmp = "\(parent)/.\((directory as NSString).lastPathComponent).tmp-\(getpid())"
        try? FileManager.default.removeItem(atPath: tmp)
        try makeDirectory(tmp)
        let out = Appliance(directory: tmp)
        do {
            // Unpacking the kernel is the longest step and shares nothing with the others:
            // it runs on a second thread while the initrd and the root are written.
            let kernel = BackgroundResult { [self] in try writeKernel(to: out.kernel, shared: sharedKernel) }
            let rest = Result { () throws -> Void in
                try Initrd(inputs: inputs, progress: progress).write(to: out.initrd, bootModulesIndex: out.bootModules)
                try RootImage(inputs: inputs, uuid: Self.uuid(fromKey: key), progress: progress).write(to: out.root)
            }
            try kernel.wait()
            try rest.get()
            try writeFile(out.readmeFixed, Data())
            guard let stamp = Self.stamp(key: key, variant: variant, of: out) else {
                throw BuildError.format(path: tmp, reason: "an appliance file vanished while it was built")
            }
            try writeFile(out.stamp, Data(stamp.utf8))
            if FileManager.default.fileExists(atPath: directory) { try FileManager.default.removeItem(atPath: directory) }
            guard rename(tmp, directory) == 0 else { throw BuildError.io(call: "rename", path: directory, errno: errno) }
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
        progress(String(format: "built %@ in %.2f s", directory, Date().timeIntervalSince(started)))
    }

    /// A hard link to the cache's unpacked kernel, made first if missing (under the cache
    /// lock, so no other builder writes it at the same time).
    private func writeKernel(to path: String, shared: String?) throws {
        guard let shared else { return try unpackKernel(to: path) }
        if link(shared, path) == 0 {
            progress("kernel: \(inputs.kernel.kernel) → \(shared) (unpacked before; shared)")
            return
        }
        let tmp = "\(shared).tmp-\(getpid())"
        try unpackKernel(to: tmp)
        guard rename(tmp, shared) == 0 else {
            let e = errno
            unlink(tmp)
            throw BuildError.io(call: "rename", path: shared, errno: e)
        }
        guard link(shared, path) == 0 else { throw BuildError.io(call: "link", path: path, errno: errno) }
    }

    /// The uncompressed PVH ELF boots without the ~3 s of in-guest decompression under TCG;
    /// kernels without a PVH entry ship as the bzImage.
    private func unpackKernel(to path: String) throws {
        let source = inputs.kernel.kernel
        let bzImage = try readFile(source)
        if let elf = try KernelPayload.extractVmlinux(bzImage: bzImage, path: source) {
            progress("kernel: \(source) → uncompressed PVH ELF (\(elf.count / 1_048_576) MiB)")
            try writeFile(path, Data(elf))
        } else {
            progress("kernel: \(source) (no PVH entry: shipped as the bzImage)")
            try writeFile(path, Data(bzImage))
        }
    }

    /// A UUID derived from the key, so the same inputs give the same root.
    static func uuid(fromKey key: String) -> String {
        var hex = Array(Cache.digest([key, "uuid"]))
        hex[12] = "4" // version 4 layout, variant 10xx
        hex[16] = "8"
        let s = String(hex)
        func part(_ a: Int, _ b: Int) -> Substring { s[s.index(s.startIndex, offsetBy: a) ..< s.index(s.startIndex, offsetBy: b)] }
        return "\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }

    /// Older builds of this variant (and unreadable ones) go, with their saved VM states;
    /// other variants stay, and so does every unpacked kernel an appliance still links to.
    private func removeStale(in cacheDir: String, keeping: String) {
        let keep = (keeping as NSString).lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cacheDir)) ?? []
        for name in names where name.hasPrefix("appliance-") && name != keep {
            let stamp = try? String(contentsOfFile: Appliance(directory: cacheDir + "/" + name).stamp, encoding: .utf8)
            let other = stamp?.split(separator: "\n").dropFirst().first.flatMap { $0.hasPrefix("variant ") ? $0.dropFirst(8) : nil }
            if other == nil || other.map(String.init) == variant {
                try? FileManager.default.removeItem(atPath: cacheDir + "/" + name)
            }
        }
        for name in names where name.hasPrefix("kernel-") {
            var st = stat()
            let path = cacheDir + "/" + name
            // A link count of 1: no appliance uses it; ".tmp-" leftovers of a crashed build.
            if lstat(path, &st) == 0, st.st_nlink == 1 || name.contains(".tmp-") { unlink(path) }
        }
        // Saved VM states (warm-APPLIANCE-KEY.state, .lock) of appliances that are gone.
        let appliances = Set(((try? FileManager.default.contentsOfDirectory(atPath: cacheDir)) ?? []).filter { $0.hasPrefix("appliance-") })
        for name in names where name.hasPrefix("warm-") {
            let owner = name.dropFirst(5).split(separator: "-").dropLast().joined(separator: "-")
            if !appliances.contains(owner) { unlink(cacheDir + "/" + name) }
        }
    }
}

/// Work on a thread of its own; `wait` returns its result or rethrows its error.
final class BackgroundResult: @unchecked Sendable {
    private var result: Result<Void, Error> = .success(())
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> Void) {
        Thread { [self] in
            result = Result { try work() }
            done.signal()
        }.start()
    }

    func wait() throws {
        done.wait()
        try result.get()
    }
}

func makeDirectory(_ path: String) throws {
    do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
        throw BuildError.io(call: "mkdir", path: path, errno: (error as NSError).underlyingErrorCode)
    }
}

func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw BuildError.io(call: "read", path: path, errno: access(path, R_OK) == 0 ? EIO : errno)
    }
    return [UInt8](data)
}

func writeFile(_ path: String, _ data: Data, mode: Int = 0o644) throws {
    guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: mode]) else {
        throw BuildError.io(call: "write", path: path, errno: errno)
    }
}

extension NSError {
    var underlyingErrorCode: Int32 {
        (userInfo[NSUnderlyingErrorKey] as? NSError).map { Int32($0.code) } ?? EIO
    }
}
