import ArgumentParser
import Foundation
import HostBuilder

struct MkfsExt2: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mkfs-ext2",
        abstract: "Write an ext2 image of a folder, without staging and without mke2fs.",
        discussion: """
        Owners, modes, times, symlinks, hard links, devices, FIFOs, sockets and the user., \
        trusted. and security. xattrs are kept; holes in files stay holes and the image file \
        is sparse. The same folder gives a byte-identical image: the UUID derives from the \
        contents unless --uuid is given, and SOURCE_DATE_EPOCH clamps every timestamp. \
        Without --size the image holds the contents plus a quarter and 1 MiB.
        """
    )

    @Argument(help: "The folder that becomes the image's root.")
    var sourceDir: String

    @Argument(help: "The image file to write (replaced only when complete).")
    var image: String

    @Option(help: ArgumentHelp("Image size: bytes, or with K, M, G or T (powers of 1024).", valueName: "S"))
    var size: String?

    @Option(help: ArgumentHelp("Volume label (up to 16 bytes).", valueName: "L"))
    var label: String = ""

    @Option(help: ArgumentHelp("Filesystem UUID instead of one derived from the contents.", valueName: "U"))
    var uuid: String?

    func run() {
        do {
            var options = Ext2Options(label: label)
            if let size {
                guard let bytes = Self.parseSize(size) else { throw ValidationError("--size \(size): expected a number with an optional K, M, G or T") }
                options.size = bytes
            }
            if let uuid {
                guard let bytes = Ext2Options.parseUUID(uuid) else { throw ValidationError("--uuid \(uuid): expected 32 hex digits") }
                options.uuid = bytes
            }
            guard label.utf8.count <= 16 else { throw ValidationError("--label is \(label.utf8.count) bytes; ext2 labels hold 16") }
            let manifest = try Ext2Manifest.scan(directory: sourceDir)
            let summary = try Ext2Writer(manifest: manifest, options: options).write(to: image)
            say("\(image): ext2, \(summary.blocks * 4) KiB, \(summary.usedInodes) inodes used, UUID=\(summary.uuid)")
        } catch {
            fail(error)
        }
    }

    static func parseSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = text.uppercased()
        if digits.hasSuffix("IB") { digits.removeLast(2) } else if digits.hasSuffix("B") { digits.removeLast() }
        var scale = 1
        if let last = digits.last, let s = units[last] { scale = s; digits.removeLast() }
        guard let n = Int(digits), n > 0 else { return nil }
        return n.multipliedReportingOverflow(by: scale).overflow ? nil : n * scale
    }
}
