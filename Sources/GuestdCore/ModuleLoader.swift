import Glibc

/// Loads a filesystem's kernel module before mounting, as the kernel's own
/// request_module would if the appliance had modprobe. Failures only get reported: the
/// mount then says what is wrong.
final class ModuleLoader {
    private var kmod: Kmod?
    private var context: OpaquePointer?
    private let console: Console

    init(console: Console) { self.console = console }

    deinit { if let kmod, let context { _ = kmod.unref(context) } }

    /// Makes `fstype` mountable if a module provides it. Cheap when it is built in or
    /// already loaded: /proc/filesystems is read before the module index is opened.
    func ensureFilesystem(_ fstype: String) {
        guard !fstype.isEmpty, !ModuleLoader.kernelKnows(fstype) else { return }
        guard let ctx = openContext() else { return }
        // What the filesystem asks the kernel for at mount time (request_module runs
        // modprobe, which the appliance lacks): loaded first, each best-effort.
        for alias in ModuleLoader.companions[fstype] ?? [] { _ = load(alias, ctx) }
        // Filesystem modules carry the alias fs-TYPE (ext4 provides fs-ext2 too); some
        // older ones are only known by their own name.
        for alias in ["fs-" + fstype, fstype] where load(alias, ctx) { return }
        console.info("no kernel module found for filesystem type \(fstype)")
    }

    /// Loads a module by name or alias (with its dependencies); says whether it is there.
    func ensureModule(_ name: String) -> Bool {
        guard let ctx = openContext() else { return false }
        return load(name, ctx)
    }

    /// vfat's default codepage (437) and iocharsets (ascii, utf8); exfat, iso9660 (Joliet)
    /// and ntfs3 convert names with nls_utf8.
    static let companions: [String: [String]] = [
        "vfat": ["nls_cp437", "nls_ascii", "nls_utf8"], "msdos": ["nls_cp437", "nls_ascii"],
        "exfat": ["nls_utf8"], "iso9660": ["nls_utf8"], "ntfs3": ["nls_utf8"],
    ]

    private func openContext() -> OpaquePointer? {
        if context == nil {
            do throws(SysError) {
                if kmod == nil { kmod = try Kmod.load() }
                guard let k = kmod else { return nil }
                // NULL, NULL: /lib/modules/$(uname -r) and the default configuration paths.
                context = k.new(nil, nil)
                if context == nil { console.info("\(SysError("kmod_new", "/lib/modules"))") }
            } catch {
                console.info("\(error)")
            }
        }
        return context
    }

    /// True when some module matched the alias and it (or a dependency) loaded or was there.
    private func load(_ alias: String, _ ctx: OpaquePointer) -> Bool {
        guard let k = kmod else { return false }
        var list: OpaquePointer?
        guard k.newFromLookup(ctx, alias, &list) == 0, let list else { return false }
        defer { _ = k.unrefList(list) }
        var entry: OpaquePointer? = list
        var loaded = false
        while let e = entry {
            if let mod = k.getModule(e) {
                let r = k.probeInsert(mod, Kmod.probeIgnoreCommand, nil, nil, nil, nil)
                if r == 0 || r == -EEXIST { loaded = true } else {
                    let name = k.getName(mod).map { String(cString: $0) } ?? alias
                    console.info("\(SysError("insert module", name, errno: -r))")
                }
                _ = k.unrefModule(mod)
            }
            entry = k.listNext(list, e)
        }
        return loaded
    }

    /// Whether the running kernel already registered the filesystem type.
    static func kernelKnows(_ fstype: String) -> Bool {
        guard let f = fopen("/proc/filesystems", "re") else { return false }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 256)
        while fgets(&buf, Int32(buf.count), f) != nil {
            // Lines are "nodev\tproc" or "\text4".
            let line = String(nulTerminated: buf)
            if line.split(whereSeparator: { $0 == "\t" || $0 == "\n" || $0 == " " }).last.map(String.init) == fstype { return true }
        }
        return false
    }
}
