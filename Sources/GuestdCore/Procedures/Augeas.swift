import Glibc
import GuestProtocol

/// The Augeas group (daemon/augeas.c): one handle per daemon, rooted in the sysroot,
/// opened by aug_init and used by every other aug_* call. Augeas's own errors reach the
/// caller as "<call>: <args>: <message>[: <minor>][: <details>]".
extension Daemon {
    /// The handle aug_init made; nil before it and after aug_close.
    nonisolated(unsafe) private static var augeas: (library: AugeasLibrary, handle: AugeasLibrary.Handle)?

    /// Closes the handle if one is open (aug_finalize).
    static func closeAugeas() {
        if let open = augeas { open.library.close(open.handle) }
        augeas = nil
    }

    func doAugInit(root: ByteString, flags: Int32) throws(CallError) {
        Daemon.closeAugeas()
        let library: AugeasLibrary
        do throws(SysError) { library = try AugeasLibrary.shared() } catch { throw CallError("aug_init: \(error)") }
        // The real daemon joins the sysroot and the root as they are, so "/.." would give
        // Augeas the appliance's own root; here the root resolves inside the guest, and a
        // root that does not exist (Augeas then loads nothing) is clamped there by its names.
        let path: ByteString
        do throws(SysError) { path = try sysroot.directoryHostPath(root) } catch {
            var names: [ByteString] = []
            for name in root.components where name != "." {
                if name == ".." { _ = names.popLast() } else { names.append(name) }
            }
            path = ByteString(options.sysroot) + "/" + ByteString.joined(names)
        }
        guard let handle = library.initialize(path.cString, nil, UInt32(bitPattern: flags) | AugeasLibrary.noErrClose) else {
            throw CallError("augeas initialization failed")
        }
        if library.error(handle) != AugeasLibrary.noError {
            let error = Daemon.augeasError(library, handle, "aug_init: \(root) (flags \(flags))")
            library.close(handle)
            throw error
        }
        Daemon.augeas = (library, handle)
    }

    func doAugClose() throws(CallError) {
        _ = try needAugeas("do_aug_close")
        Daemon.closeAugeas()
    }

    func doAugDefvar(name: ByteString, expr: ByteString?) throws(CallError) -> Int32 {
        let aug = try needAugeas("do_aug_defvar")
        let r = withOptionalCString(expr) { aug.library.defvar(aug.handle, name.cString, $0) }
        guard r != -1 else { throw Daemon.augeasError(aug.library, aug.handle, "aug_defvar: \(name): \(expr ?? "(null)")") }
        return r
    }

    func doAugDefnode(name: ByteString, expr: ByteString, val: ByteString) throws(CallError) -> StructValue {
        let aug = try needAugeas("do_aug_defnode")
        var created: Int32 = 0
        let r = aug.library.defnode(aug.handle, name.cString, expr.cString, val.cString, &created)
        guard r != -1 else { throw Daemon.augeasError(aug.library, aug.handle, "aug_defnode: \(name): \(expr): \(val)") }
        return StructValue(.intBool, [.int(Int64(r)), .int(Int64(created))])
    }

    func doAugGet(augpath: ByteString) throws(CallError) -> ByteString {
        let aug = try needAugeas("do_aug_get")
        var value: UnsafePointer<CChar>?
        let r = aug.library.get(aug.handle, augpath.cString, &value)
        if r == 0 { throw CallError("no matching node") }
        guard r == 1 else { throw Daemon.augeasError(aug.library, aug.handle, "aug_get: \(augpath)") }
        // A node can match and still have no value (/augeas, say).
        guard let value else { throw CallError("Augeas returned NULL match") }
        return ByteString(cString: value)
    }

    func doAugSet(augpath: ByteString, val: ByteString) throws(CallError) {
        let aug = try needAugeas("do_aug_set")
        guard aug.library.set(aug.handle, augpath.cString, val.cString) != -1 else {
            throw Daemon.augeasError(aug.library, aug.handle, "aug_set: \(augpath): \(val)")
        }
    }

    /// aug_set with no value.
    func doAugClear(augpath: ByteString) throws(CallError) {
        let aug = try needAugeas("do_aug_clear")
        guard aug.library.set(aug.handle, augpath.cString, nil) != -1 else {
            throw Daemon.augeasError(aug.library, aug.handle, "aug_clear: \(augpath)")
        }
    }

    func doAugInsert(augpath: ByteString, label: ByteString, before: Bool) throws(CallError) {
        let aug = try needAugeas("do_aug_insert")
        guard aug.library.insert(aug.handle, augpath.cString, label.cString, before ? 1 : 0) != -1 else {
            throw Daemon.augeasError(aug.library, aug.handle, "aug_insert: \(augpath): \(label) [before=\(before ? 1 : 0)]")
        }
    }

    func doAugRm(augpath: ByteString) throws(CallError) -> Int32 {
        let aug = try needAugeas("do_aug_rm")
        let r = aug.library.rm(aug.handle, augpath.cString)
        guard r != -1 else { throw Daemon.augeasError(aug.library, aug.handle, "aug_rm: \(augpath)") }
        return r
    }

    func doAugMv(src: ByteString, dest: ByteString) throws(CallError) {
        let aug = try needAugeas("do_aug_mv")
        guard aug.library.mv(aug.handle, src.cString, dest.cString) != -1 else {
            throw Daemon.augeasError(aug.library, aug.handle, "aug_mv: \(src): \(dest)")
        }
    }

    func doAugMatch(augpath: ByteString) throws(CallError) -> [ByteString] {
        try augeasMatch(try needAugeas("do_aug_match"), augpath)
    }

    func doAugSave() throws(CallError) {
        let aug = try needAugeas("do_aug_save")
        guard aug.library.save(aug.handle) != -1 else { throw Daemon.augeasError(aug.library, aug.handle, "aug_save") }
    }

    func doAugLoad() throws(CallError) {
        let aug = try needAugeas("do_aug_load")
        guard aug.library.load(aug.handle) != -1 else { throw Daemon.augeasError(aug.library, aug.handle, "aug_load") }
    }

    /// The children of a node, sorted: aug_match of "PATH/*" (a variable name works too).
    func doAugLs(augpath: ByteString) throws(CallError) -> [ByteString] {
        let aug = try needAugeas("do_aug_ls")
        if augpath.bytes.count > 1, let last = augpath.bytes.last, [UInt8(ascii: "/"), UInt8(ascii: "]"), UInt8(ascii: "*")].contains(last) {
            throw CallError("don't use aug-ls with a path that ends with / ] *")
        }
        let pattern: ByteString = augpath == "/" ? "/*" : augpath + "/*"
        // strcmp's order: bytes, unsigned.
        return try augeasMatch(aug, pattern).sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    }

    func doAugSetm(base: ByteString, sub: ByteString?, val: ByteString) throws(CallError) -> Int32 {
        let aug = try needAugeas("do_aug_setm")
        let r = withOptionalCString(sub) { aug.library.setm(aug.handle, base.cString, $0, val.cString) }
        guard r != -1 else { throw Daemon.augeasError(aug.library, aug.handle, "aug_setm: \(base): \(sub ?? "(null)"): \(val)") }
        return r
    }

    func doAugLabel(augpath: ByteString) throws(CallError) -> ByteString {
        let aug = try needAugeas("do_aug_label")
        var label: UnsafePointer<CChar>?
        let r = aug.library.label(aug.handle, augpath.cString, &label)
        guard r != -1 else { throw Daemon.augeasError(aug.library, aug.handle, "aug_label: \(augpath)") }
        if r == 0 { throw CallError("no matching nodes found") }
        guard let label else { throw CallError("internal error: expected label != NULL (r = \(r))") }
        return ByteString(cString: label)
    }

    func doAugTransform(lens: ByteString, file: ByteString, remove: Bool?) throws(CallError) {
        let aug = try needAugeas("do_aug_transform")
        let exclude = remove ?? false
        guard aug.library.transform(aug.handle, lens.cString, file.cString, exclude ? 1 : 0) != -1 else {
            throw Daemon.augeasError(aug.library, aug.handle, "aug_transform: \(lens): \(file): \(exclude ? "excl" : "incl")")
        }
    }

    // MARK: - Shared

    /// NEED_AUG: the C function's name in the text.
    private func needAugeas(_ function: String) throws(CallError) -> (library: AugeasLibrary, handle: AugeasLibrary.Handle) {
        guard let open = Daemon.augeas else { throw CallError("\(function): you must call 'aug-init' first to initialize Augeas") }
        return open
    }

    /// aug_match's paths, copied out of the array Augeas allocated, which is freed.
    private func augeasMatch(_ aug: (library: AugeasLibrary, handle: AugeasLibrary.Handle), _ path: ByteString) throws(CallError) -> [ByteString] {
        var matches: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let r = aug.library.match(aug.handle, path.cString, &matches)
        guard r != -1 else { throw Daemon.augeasError(aug.library, aug.handle, "aug_match: \(path)") }
        defer {
            for i in 0 ..< Int(r) { free(matches?[i]) }
            free(matches)
        }
        return (0 ..< Int(r)).compactMap { i in matches?[i].map { ByteString(cString: $0) } }
    }

    /// AUGEAS_ERROR: the call's own words, then Augeas's message, minor message and details.
    private static func augeasError(_ library: AugeasLibrary, _ handle: AugeasLibrary.Handle, _ prefix: ByteString) -> CallError {
        if library.error(handle) == AugeasLibrary.outOfMemory { return CallError("\(prefix): augeas out of memory") }
        func text(_ p: UnsafePointer<CChar>?) -> ByteString? { p.map { ByteString(cString: $0) } }
        var message = prefix + ": " + (text(library.errorMessage(handle)) ?? "")
        if let minor = text(library.errorMinorMessage(handle)) { message = message + ": " + minor }
        if let details = text(library.errorDetails(handle)) { message = message + ": " + details }
        return CallError(message)
    }

    private func withOptionalCString<R>(_ s: ByteString?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let s else { return body(nil) }
        return s.cString.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
