// Kernel modules. The host builder resolved the dependency closure with libkmod and wrote
// /modules/load-order (dependencies first), so init only has to feed each file to
// finit_module(2) in turn: no modules.dep, no libkmod in the initrd.
import CInit

enum Modules {
    static let directory = "/modules"

    /// The default set when the command line names none: /modules/default's first line,
    /// plus its second (the network driver) when asked. nil (load every module) for an
    /// initrd without the file.
    @export(interface) static func defaultSet(network: Bool) -> [[UInt8]]? {
        guard let text = try? Files.read("\(directory)/default") else { return nil }
        let lines = text.split(separator: 0x0A, omittingEmptySubsequences: false)
        var names: [[UInt8]] = []
        for (i, line) in lines.enumerated() where i == 0 || (i == 1 && network) {
            names += Array(line).words(separatedBy: [UInt8(ascii: ",")])
        }
        return names
    }

    /// Loads the modules named in /modules/load-order (those in `only`, when given). A module
    /// that is missing or fails to load is reported and skipped: the root device may still
    /// turn up without it, and if not, the root search names the real consequence.
    @export(interface) static func loadAll(only: [[UInt8]]?, console: Console) {
        let list: [UInt8]
        do {
            list = try Files.read("\(directory)/load-order")
        } catch {
            if error.code != cinit_ENOENT {
                console.warning("cannot read \(directory)/load-order: \(error.description); loading no modules")
            } else {
                console.progress("no \(directory)/load-order; loading no modules")
            }
            return
        }
        for line in list.split(separator: 0x0A) {
            let entry = Array(line).words(separatedBy: whitespace)
            // Blank lines and "# comments" carry no module.
            guard let file = entry.first, file.first != UInt8(ascii: "#") else { continue }
            if let only, !only.contains(Array(name(of: file.string).utf8)) { continue }
            load(file.string, console: console)
        }
    }

    @export(interface) private static func load(_ file: String, console: Console) {
        let path = "\(directory)/\(file)"
        let fd = cinit_open_read(path)
        if fd < 0 {
            console.warning("module \(path): \(Errno(code: -fd).description); skipped")
            return
        }
        defer { _ = cinit_close(fd) }
        let result = cinit_finit_module(fd)
        if result == 0 {
            console.progress("loaded \(name(of: file))")
        } else if -result == cinit_EEXIST {
            console.progress("\(name(of: file)) already loaded")
        } else {
            console.warning("module \(path): finit_module: \(Errno(code: -result).description); skipped")
        }
    }

    /// "kernel/drivers/virtio/virtio_pci.ko" → "virtio_pci".
    @export(interface) private static func name(of file: String) -> String {
        var bytes = Array(file.utf8)
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")) { bytes = Array(bytes[(slash + 1)...]) }
        // Strip ".ko" and any compression suffix after it (".ko.xz", ".ko.zst").
        var index = 0
        while index + 3 <= bytes.count {
            if bytes[index..<(index + 3)].elementsEqual(".ko".utf8) { return Array(bytes[..<index]).string }
            index += 1
        }
        return bytes.string
    }
}
