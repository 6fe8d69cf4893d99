import Foundation

/// The initrd, a zstd-compressed cpio: init at /init, the boot modules decompressed and unsigned under /modules,
/// and /modules/load-order naming them in dependency order for init's finit_module loop;
/// /modules/default names the set init loads when the command line names none.
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

        // Line 1: everything but the CD-ROM and network drivers (and what only they need);
        // line 2: added when the command line says guestfs_network=1.
        func names(_ tops: [String]) throws -> [String] { try closure.resolve(tops).filter(included).map(\.name) }
        let requested = Set(BootModules.cdromOnly + BootModules.network + BootModules.legacyOnly)
        let base = try names(inputs.initrdModules.filter { !requested.contains($0) })
        let network = try names(inputs.initrdModules.filter { BootModules.network.contains($0) }).filter { !base.contains($0) }
        let defaults = base.joined(separator: ",") + "\n" + network.joined(separator: ",") + "\n"

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
        cpio.addFile("/modules/default", bytes: Array(defaults.utf8), mode: 0o644)
        let archive = cpio.finish()
        let bytes = try Compress.zstd(archive, level: 9, path: path)
        try writeFile(path, Data(bytes))
        progress("initrd: init + \(modules.count) modules (\(modules.map(\.name).joined(separator: " "))), "
                 + "\(bytes.count / 1024) KiB (zstd; \(archive.count / 1024) KiB unpacked)")
    }
}
