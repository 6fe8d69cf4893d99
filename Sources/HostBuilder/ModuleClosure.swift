import CKmod
#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// A loadable module of the target kernel: its kmod name (underscores) and its file on the host.
public struct ResolvedModule: Equatable, Sendable {
    public let name: String
    /// Absolute path on the host; may be .ko, .ko.xz, .ko.zst or .ko.gz.
    public let path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// Resolves module names to the files init must load, dependencies first, using libkmod
/// on the host (the static init cannot link libkmod, so the order is decided here).
public struct ModuleClosure {
    /// Owns the kmod context; a class so the context is released exactly once.
    private final class Context {
        let ctx: OpaquePointer
        init(_ ctx: OpaquePointer) { self.ctx = ctx }
        deinit { kmod_unref(ctx) }
    }

    private let context: Context
    public let modulesDir: String

    /// `modulesDir` is the /lib/modules/VERSION directory of the target kernel (not
    /// necessarily the running one).
    public init(modulesDir: String) throws {
        var st = stat()
        guard stat(modulesDir + "/modules.dep.bin", &st) == 0 || stat(modulesDir + "/modules.dep", &st) == 0 else {
            throw BuildError.notFound(what: "modules.dep in \(modulesDir)",
                                      hint: "install the kernel's modules or run depmod for that version")
        }
        guard let ctx = kmod_new(modulesDir, nil) else {
            throw BuildError.kmod(call: "kmod_new", module: modulesDir, reason: "could not create a libkmod context")
        }
        context = Context(ctx)
        self.modulesDir = modulesDir
        // Loads the index files once instead of reopening them for every lookup.
        _ = kmod_load_resources(ctx)
    }

    /// Every module `names` need, each after all of its dependencies (depth-first post-order,
    /// dependencies in modules.dep order, then pre-softdeps), no duplicates. Names may use
    /// `-` or `_` and may be aliases. Modules built into the kernel are left out.
    public func resolve(_ names: [String]) throws -> [ResolvedModule] {
        var walk = Walk()
        for name in names {
            let found = try lookup(name)
            defer { found.forEach { kmod_module_unref($0) } }
            guard !found.isEmpty else {
                throw BuildError.notFound(what: "kernel module \(name) in \(modulesDir)",
                                          hint: "the target kernel has no module or alias of that name; check the spelling")
            }
            for mod in found { try visit(mod, &walk) }
        }
        return walk.order
    }

    private struct Walk {
        var order: [ResolvedModule] = []
        var done: Set<String> = []
        var inProgress: Set<String> = []
    }

    private func visit(_ mod: OpaquePointer, _ walk: inout Walk) throws {
        let name = String(cString: kmod_module_get_name(mod))
        guard !walk.done.contains(name), !walk.inProgress.contains(name) else { return }
        // Builtin modules have no path in modules.dep. kmod_module_get_initstate is not used:
        // for non-builtins it consults /sys/module of the *running* kernel, which may have
        // the module built in while the target kernel has it as a module.
        guard let cPath = kmod_module_get_path(mod) else {
            walk.done.insert(name)
            return
        }
        let path = String(cString: cPath)
        walk.inProgress.insert(name)

        let deps = kmod_module_get_dependencies(mod)
        defer { kmod_module_unref_list(deps) }
        for dep in modules(of: deps) { try visit(dep, &walk) }

        // Pre-softdeps (e.g. ext4 → crypto-crc32c) must be loaded first too; they are
        // optional, so names that resolve to nothing are skipped.
        var pre: OpaquePointer? = nil
        var post: OpaquePointer? = nil
        if kmod_module_get_softdeps(mod, &pre, &post) == 0 {
            defer {
                kmod_module_unref_list(pre)
                kmod_module_unref_list(post)
            }
            for dep in modules(of: pre) { try visit(dep, &walk) }
        }

        walk.inProgress.remove(name)
        walk.done.insert(name)
        walk.order.append(ResolvedModule(name: name, path: path))
    }

    /// The modules a name or alias resolves to; the caller unrefs them.
    private func lookup(_ name: String) throws -> [OpaquePointer] {
        var list: OpaquePointer? = nil
        let rc = kmod_module_new_from_lookup(context.ctx, name, &list)
        guard rc >= 0 else {
            throw BuildError.kmod(call: "kmod_module_new_from_lookup", module: name,
                                  reason: "\(Errno(-rc)) in \(modulesDir)")
        }
        let mods = modules(of: list).map { kmod_module_ref($0)! }
        kmod_module_unref_list(list)
        return mods
    }

    /// The modules of a kmod_list, borrowed from the list (valid while it lives).
    private func modules(of list: OpaquePointer?) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var entry = list
        while let e = entry {
            if let mod = kmod_module_get_module(e) {
                result.append(mod)
                // get_module returns a new reference; the list keeps its own.
                kmod_module_unref(mod)
            }
            entry = kmod_list_next(list, e)
        }
        return result
    }

    /// The uncompressed contents of a module file (.ko, .ko.xz, .ko.zst, .ko.gz), chosen by
    /// magic so a misnamed file still works.
    public static func moduleBytes(path: String) throws -> [UInt8] {
        let raw = try readHostFile(path)
        if raw.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return raw }
        guard let codec = Codec(magicOf: raw[...]) else {
            throw BuildError.format(path: path, reason: "neither an ELF module nor xz/zstd/gzip compressed")
        }
        let ko = try Decompress.decode(raw[...], codec: codec, path: path)
        guard ko.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else {
            throw BuildError.format(path: path, reason: "decompressed \(codec.rawValue) data is not an ELF module")
        }
        return ko
    }

    /// Removes an appended module signature. The kernel does not enforce signatures here,
    /// and without one it skips the RSA check, which costs a good part of each load under TCG.
    /// Bytes without a well-formed signature trailer are returned unchanged.
    public static func stripSignature(_ ko: [UInt8]) -> [UInt8] {
        let magic = Array("~Module signature appended~\n".utf8)
        // struct module_signature: algo, hash, id_type, signer_len, key_id_len, pad[3], sig_len (be32).
        let infoSize = 12
        guard ko.count >= magic.count + infoSize, ko.suffix(magic.count).elementsEqual(magic) else { return ko }
        let lenAt = ko.count - magic.count - 4
        let sigLen = Int(ko[lenAt]) << 24 | Int(ko[lenAt + 1]) << 16 | Int(ko[lenAt + 2]) << 8 | Int(ko[lenAt + 3])
        let trailer = sigLen + infoSize + magic.count
        guard trailer <= ko.count else { return ko }
        return Array(ko[..<(ko.count - trailer)])
    }
}
