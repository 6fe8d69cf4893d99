import Foundation

/// The initrd, a zstd-compressed cpio: init at /init, the boot modules decompressed and unsigned under /modules,
/// and /modules/load-order naming them in dependency order for init's finit_module loop.
/// Beside it, the appliance's `boot-modules` lists each boot module with its dependencies,
/// so a launcher can ask init (appliance.modules=) for only what its VM needs.
struct Initrd {
    let inputs: BuildInputs
    let progress: @Sendable (String) -> Void

    func write(to path: String, bootModulesIndex: String) throws {
        let closure = try ModuleClosure(modulesDir: inputs.kernel.modulesDir)
        func included(_ m: ResolvedModule) -> Bool {
            !BootModules.excludedFromInitrd.contains(m.name.replacingOccurrences(of: "-", with: "_"))
        }
        let modules = try closure.resolve(inputs.initrdModules).filter(included)
        var index = ""
        for top in inputs.initrdModules {
            index += "\(top): " + (try closure.resolve([top]).filter(included).map(\.name).joined(separator: " ")) + "\n"
        }
        try writeFile(bootModulesIndex, Data(index.utf8))

        var cpio = CpioWriter()
        cpio.addFile("/init", bytes: try readFile(inputs.initBinary), mode: 0o755)
        cpio.addDirectory("/modules")
        var order = "# loaded by /init in this order\n"
        for m in modules {
            let file = m.name + ".ko"
            // finit_module wants a plain ELF; the signature is dropped because the kernel does
            // not enforce signatures here and checking one costs time on every boot.
            let ko = ModuleClosure.stripSignature(try ModuleClosure.moduleBytes(path: m.path))
            cpio.addFile("/modules/" + file, bytes: ko, mode: 0o644)
            order += file + "\n"
        }
        cpio.addFile("/modules/load-order", bytes: Array(order.utf8), mode: 0o644)
        let archive = cpio.finish()
        let bytes = try Compress.zstd(archive, level: 9, path: path)
        try writeFile(path, Data(bytes))
        progress("initrd: init + \(modules.count) modules (\(modules.map(\.name).joined(separator: " "))), "
                 + "\(bytes.count / 1024) KiB (zstd; \(archive.count / 1024) KiB unpacked)")
    }
}
