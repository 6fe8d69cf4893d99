import ApplianceClient
import Foundation
import GuestProtocol
import HostBuilder
import XCTest

/// Boots the real kernel under the real qemu with our init and guestd, and reads a disk
/// made by the real sfdisk and mkfs.ext4.
final class BootTests: XCTestCase {
    private func readSampleDisk(rootMedia: RootMedia) throws {
        let f = try Fixture.get()
        let before = try Fixture.sh("sha256sum \(f.disk)").out
        let session = try Session.launch(appliance: f.appliance, options: f.options(rootMedia: rootMedia))
        defer { session.shutdown() }
        try session.pingDaemon()
        XCTAssertEqual(try session.listDevices(), ["/dev/sda"], "the appliance's own root must be hidden")
        XCTAssertEqual(try session.listPartitions(), ["/dev/sda1"])
        XCTAssertEqual(try session.vfsType("/dev/sda1"), "ext4")
        try session.mountRO("/dev/sda1", "/")
        XCTAssertEqual(try session.ls("/"), [f.fileName, "lost+found"])
        XCTAssertEqual(try session.readFile("/" + f.fileName), f.fileBytes)
        XCTAssertThrowsError(try session.readFile("/no-such-file")) { error in
            guard case let ClientError.daemon(_, errno, message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(errno, "ENOENT")
            XCTAssertTrue(message.contains("/no-such-file"), message)
        }
        try session.internalAutosync()
        session.shutdown()
        XCTAssertEqual(try Fixture.sh("sha256sum \(f.disk)").out, before, "a read-only disk must stay byte-identical")
    }

    func testReadSampleDiskWithRootAsDisk() throws { try readSampleDisk(rootMedia: .disk) }

    func testReadSampleDiskWithRootAsCDROM() throws { try readSampleDisk(rootMedia: .cdrom) }

    func testUnknownProcedureGetsTheRealDaemonsError() throws {
        let f = try Fixture.get()
        let session = try Session.launch(appliance: f.appliance, options: f.options(rootMedia: .disk))
        defer { session.shutdown() }
        let unknown = Procedure("no_such_procedure", 9999, [.string], .none)
        XCTAssertThrowsError(try session.call(unknown) { $0.string("/x") }) { error in
            XCTAssertEqual("\(error)", "no_such_procedure: dispatch_incoming_message: unknown procedure number 9999, set LIBGUESTFS_PATH to point to the matching libguestfs appliance directory")
        }
        try session.pingDaemon() // still serving
    }
}
