import XCTest
@testable import ApplianceClient
@testable import HostBuilder

final class QemuCommandTests: XCTestCase {
    private func command(_ configure: (inout LaunchOptions) -> Void = { _ in }, modules: [String]? = nil) -> QemuCommand {
        var o = LaunchOptions()
        configure(&o)
        return QemuCommand(appliance: Appliance(directory: "/a,b"), rootUUID: "0123", options: o, useKVM: false,
                           channelSocket: "/tmp/s", initModules: modules)
    }

    func testDisksAreVirtioBlockInOrderAndReadOnlyWhenAsked() {
        let args = command { $0.drives = [Drive(argument: "/x/one.img:ro"), Drive(path: "/x/two,2.img", format: "qcow2")] }.arguments
        let drives = args.enumerated().filter { $0.element == "-drive" }.map { args[$0.offset + 1] }
        XCTAssertEqual(drives[0], "file=/x/one.img,if=none,id=hd0,format=raw,cache=writeback,readonly=on")
        XCTAssertEqual(drives[1], "file=/x/two,,2.img,if=none,id=hd1,format=qcow2,cache=writeback,discard=unmap", "commas are doubled for qemu")
        XCTAssertTrue(drives[2].hasPrefix("file=/a,,b/root,"), "the appliance root comes last")
        XCTAssertTrue(drives[2].hasSuffix(",readonly=on"))
        XCTAssertTrue(args.contains("virtio-blk-pci,drive=hd0"))
        XCTAssertFalse(args.contains("virtio-scsi-pci,id=scsi"), "no SCSI controller without a CD-ROM")
        XCTAssertTrue(args.contains("virtserialport,chardev=channel0,name=org.libguestfs.channel.0"))
        XCTAssertTrue(args.contains("pc,accel=tcg"))
    }

    func testRootMedia() {
        XCTAssertTrue(command { $0.rootMedia = .cdrom }.arguments.contains("scsi-cd,drive=appliance,bus=scsi.0"))
        XCTAssertTrue(command { $0.rootMedia = .disk }.arguments.contains("virtio-blk-pci,drive=appliance"))
    }

    /// --legacy-devices: IDE disks (a read-only one behind a throwaway overlay, as IDE
    /// cannot write-protect), the root as an IDE CD-ROM in the last place, an e1000, the
    /// channel on the second serial port, and not one virtio device.
    func testLegacyDevicesUseNoVirtio() {
        let c = command {
            $0.legacyDevices = true
            $0.drives = [Drive(argument: "/x/one.img:ro"), Drive(path: "/x/two.img")]
            $0.network = .user
        }
        let args = c.arguments
        XCTAssertFalse(args.contains { $0.contains("virtio") }, "\(args)")
        let drives = args.enumerated().filter { $0.element == "-drive" }.map { args[$0.offset + 1] }
        // The read-only image's throwaway overlay is writable, discards included: they
        // never reach the image.
        XCTAssertEqual(drives, [
            "file=/x/one.img,if=ide,id=hd0,format=raw,cache=writeback,discard=unmap,index=0,snapshot=on",
            "file=/x/two.img,if=ide,id=hd1,format=raw,cache=writeback,discard=unmap,index=1",
            "file=/a,,b/root,format=raw,readonly=on,media=cdrom,index=3",
        ])
        XCTAssertTrue(args.contains("e1000,netdev=net0,romfile="))
        XCTAssertEqual(Array(args.suffix(4)), ["-chardev", "socket,id=channel0,path=/tmp/s", "-serial", "chardev:channel0"])
        XCTAssertTrue(c.kernelCommandLine.contains(" 8250.nr_uarts=2 "))
        XCTAssertTrue(c.kernelCommandLine.contains(" appliance.channel=ttyS1 "))
        var o = LaunchOptions()
        o.legacyDevices = true
        o.drives = [Drive(path: "/x")]
        XCTAssertEqual(QemuCommand.bootModules(for: o), ["ata_piix", "sr_mod", "ext4", "crc32c_generic", "sd_mod"])
    }

    func testKernelCommandLine() {
        let quiet = command(modules: ["virtio", "virtio_pci"]).kernelCommandLine
        XCTAssertTrue(quiet.contains("root=UUID=0123"))
        XCTAssertTrue(quiet.contains("appliance.modules=virtio,virtio_pci"))
        XCTAssertTrue(quiet.hasSuffix(" quiet"))
        XCTAssertFalse(command { $0.verbose = true }.kernelCommandLine.contains("quiet"))
        XCTAssertFalse(command().kernelCommandLine.contains("appliance.modules"), "no index: init loads everything")
    }

    func testBootModulesFollowTheMachine() {
        var o = LaunchOptions()
        XCTAssertEqual(QemuCommand.bootModules(for: o), ["virtio_pci", "virtio_console", "ext4", "crc32c_generic", "virtio_blk"])
        o.rootMedia = .cdrom
        o.drives = [Drive(path: "/d")]
        let cd = QemuCommand.bootModules(for: o)
        XCTAssertTrue(cd.contains("sr_mod") && cd.contains("virtio_blk") && !cd.contains("sd_mod"))
        XCTAssertFalse(cd.contains("ata_piix"), "disks and CD-ROMs are on virtio-scsi, never IDE")
    }

    func testBootModuleClosureReadsTheIndex() throws {
        let dir = NSTemporaryDirectory() + "qc-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "virtio_pci: virtio_ring virtio virtio_pci\nvirtio_blk: virtio_ring virtio virtio_blk\n"
            .write(toFile: dir + "/boot-modules", atomically: true, encoding: .utf8)
        let a = Appliance(directory: dir)
        XCTAssertEqual(a.bootModuleClosure(["virtio_pci", "virtio_blk", "missing"]),
                       ["virtio_ring", "virtio", "virtio_pci", "virtio_blk"])
        XCTAssertNil(Appliance(directory: dir + "/none").bootModuleClosure(["virtio_pci"]))
    }

    func testCommandChainParsing() throws {
        let chain = try Command.parseChain(["list-devices", ":", "mount_ro", "/dev/sda1", "/", ":", "cat", "/f"])
        XCTAssertEqual(chain.map(\.0.name), ["list-devices", "mount-ro", "cat"])
        XCTAssertEqual(chain[1].1, ["/dev/sda1", "/"])
        XCTAssertThrowsError(try Command.parseChain(["cat"])) { XCTAssertTrue("\($0)".contains("cat takes 1 argument")) }
        XCTAssertThrowsError(try Command.parseChain(["nope"])) { XCTAssertEqual($0 as? ClientError, .unknownCommand("nope")) }
    }
}

final class ConsoleLogTests: XCTestCase {
    func testEscapesAndControlCharactersAreRemoved() {
        XCTAssertEqual(ConsoleLog.printable("\u{1B}c\u{1B}[?7l\u{1B}[2J\u{1B}[0mSeaBIOS (version 1.16)"), "SeaBIOS (version 1.16)")
        XCTAssertEqual(ConsoleLog.printable("init: 0.1s\tloaded\u{7}"), "init: 0.1s\tloaded")
    }

    func testSerialLinesEndingInCRLFAreSplit() throws {
        let pipe = Pipe()
        let log = ConsoleLog(reading: pipe.fileHandleForReading, echo: false, timestamps: true)
        pipe.fileHandleForWriting.write(Data("one\r\ntwo\r\nthr".utf8))
        pipe.fileHandleForWriting.write(Data("ee\n".utf8))
        try pipe.fileHandleForWriting.close()
        XCTAssertEqual(log.tail(5, waitForEOF: true), "  one\n  two\n  three")
        XCTAssertEqual(log.timeline().map(\.1), ["one", "two", "three"])
    }
}
