import Foundation
import XCTest
@testable import ApplianceClient
@testable import HostBuilder

/// The launcher's side of `--ssh`: which keys are accepted, the kernel word, qemu's
/// port forward and the printed command; and `--network-address dhcp`'s word.
final class SSHAccessTests: XCTestCase {
    private let ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKB7zfF9BzSTgeuX3mqqYqtEV0zOTS8JHSsf+hbmelQB me@host\n"

    private func keyFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "sshaccess-\(UUID().uuidString).pub"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testEd25519KeyBecomesTheKernelWordAndTheForward() throws {
        let path = try keyFile(ed25519)
        let access = try SSHAccess(publicKeyFile: path, hostPort: 2222)
        XCTAssertEqual(access.kernelWord, "appliance.ssh=ssh-ed25519:AAAAC3NzaC1lZDI1NTE5AAAAIKB7zfF9BzSTgeuX3mqqYqtEV0zOTS8JHSsf+hbmelQB")
        XCTAssertEqual(access.commandLine, "ssh -p 2222 -i \(path.dropLast(4)) root@127.0.0.1")
        var o = LaunchOptions()
        o.network = .user
        o.ssh = access
        let c = QemuCommand(appliance: Appliance(directory: "/a"), rootUUID: "0123", options: o, useKVM: false, channelSocket: "/tmp/s")
        XCTAssertEqual(c.arguments[c.arguments.firstIndex(of: "-netdev")! + 1], "user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22")
        XCTAssertTrue(c.kernelCommandLine.contains(" " + access.kernelWord + " "))
        XCTAssertTrue(c.arguments.contains("virtio-rng-pci"), "the host key needs entropy at boot")
        o.ssh = nil
        let plain = QemuCommand(appliance: Appliance(directory: "/a"), rootUUID: "0123", options: o, useKVM: false, channelSocket: "/tmp/s")
        XCTAssertFalse(plain.arguments.contains("virtio-rng-pci"))
        XCTAssertFalse(plain.kernelCommandLine.contains("appliance.ssh"))
    }

    func testRSAAndGarbageAreRefusedBeforeBooting() throws {
        let rsa = try keyFile("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 me@host\n")
        XCTAssertThrowsError(try SSHAccess(publicKeyFile: rsa, hostPort: 1)) {
            XCTAssertTrue("\($0)".contains("ssh-rsa keys are not supported"), "\($0)")
        }
        let garbage = try keyFile("-----BEGIN OPENSSH PRIVATE KEY-----\n")
        XCTAssertThrowsError(try SSHAccess(publicKeyFile: garbage, hostPort: 1)) {
            XCTAssertTrue("\($0)".contains("not an OpenSSH public key line"), "\($0)")
        }
        XCTAssertThrowsError(try SSHAccess(publicKeyFile: "/no/such.pub", hostPort: 1)) {
            XCTAssertEqual("\($0)", "--ssh-key /no/such.pub: No such file or directory (ENOENT)")
        }
        XCTAssertThrowsError(try SSHAccess.defaultKeyFile(home: "/nonexistent")) {
            XCTAssertTrue("\($0)".contains("ssh-keygen -t ed25519"), "\($0)")
        }
    }

    func testFreePortIsBindable() throws {
        XCTAssertGreaterThan(try SSHAccess.freePort(), 0)
    }

    func testDHCPWord() {
        var o = LaunchOptions()
        o.network = .user
        o.networkDHCP = true
        let c = QemuCommand(appliance: Appliance(directory: "/a"), rootUUID: "0123", options: o, useKVM: false, channelSocket: "/tmp/s")
        XCTAssertTrue(c.kernelCommandLine.contains(" appliance.network=dhcp "))
        XCTAssertNil(o.effectiveNetworkAddress)
    }
}
