import ApplianceKernelWords
import XCTest

/// Whatever the launcher can write, guestd parses back to the same value.
final class RoundTripTests: XCTestCase {
    private func assertRoundTrip(_ w: KernelWords, file: StaticString = #filePath, line: UInt = #line) {
        let text = (["console=ttyS0", "panic=1"] + w.words + ["mitigations=off"]).joined(separator: " ")
        let parsed = KernelWords(commandLine: text + "\n")
        XCTAssertEqual(parsed, w, text, file: file, line: line)
        XCTAssertEqual(parsed.problems, [], file: file, line: line)
    }

    func testNothingIsNothing() {
        XCTAssertEqual(KernelWords().words, [])
        assertRoundTrip(KernelWords())
    }

    func testEveryWordAtOnce() {
        assertRoundTrip(KernelWords(rootUUID: "01234567-89ab-cdef-0123-456789abcdef", rootTimeoutSeconds: 90,
                                    modules: ["virtio_pci", "virtio_console", "ext4"], network: .address(.qemuUser),
                                    sshKey: SSHPublicKey(type: "ssh-ed25519", base64: "AAAAC3NzaC1lZDI1NTE5AAAAIKB7+/="),
                                    alive: true, snapshot: true, libguestfsNetwork: true, libguestfsVerbose: true, libguestfsRescue: true,
                                    quiet: true))
    }

    func testEachWordAlone() {
        assertRoundTrip(KernelWords(rootUUID: "0123"))
        assertRoundTrip(KernelWords(rootTimeoutSeconds: 0))
        assertRoundTrip(KernelWords(modules: []))
        assertRoundTrip(KernelWords(modules: ["ext4"]))
        assertRoundTrip(KernelWords(sshKey: SSHPublicKey(type: "ecdsa-sha2-nistp521", base64: "AAAAE2VjZHNh")))
        assertRoundTrip(KernelWords(alive: true))
        assertRoundTrip(KernelWords(snapshot: true))
        assertRoundTrip(KernelWords(channel: "ttyS1"))
        assertRoundTrip(KernelWords(libguestfsNetwork: true))
        assertRoundTrip(KernelWords(libguestfsVerbose: true))
        assertRoundTrip(KernelWords(libguestfsRescue: true))
        assertRoundTrip(KernelWords(quiet: true))
    }

    func testEveryNetworkForm() {
        let forms: [NetworkSetting] = [
            .link, .dhcp, .address(.qemuUser), .address(.libguestfsUser),
            .address(NetworkAddress(address: "192.168.7.2", prefixLength: 24)),
            .address(NetworkAddress(address: "192.168.7.2", prefixLength: 24, gateway: "192.168.7.1")),
            .address(NetworkAddress(address: "10.0.0.1", prefixLength: 32, dns: "10.0.0.53")),
            .address(NetworkAddress(address: "0.0.0.0", prefixLength: 0, gateway: "255.255.255.255", dns: "1.1.1.1")),
        ]
        for n in forms {
            assertRoundTrip(KernelWords(network: n))
            XCTAssertEqual(NetworkSetting(argument: n.argument), n)
        }
    }

    func testTheWordsAreSpelledAsDocumented() {
        let w = KernelWords(rootUUID: "U", modules: ["a", "b"], network: .address(.qemuUser),
                            sshKey: SSHPublicKey(type: "ssh-ed25519", base64: "AAAA"), alive: true, quiet: true)
        XCTAssertEqual(w.words, ["root=UUID=U", "appliance.modules=a,b", "appliance.network=10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3",
                                 "appliance.ssh=ssh-ed25519:AAAA", "appliance.alive", "quiet"])
        XCTAssertEqual(KernelWords(rootTimeoutSeconds: 5, network: .dhcp, libguestfsNetwork: true, libguestfsVerbose: true).words,
                       ["appliance.roottimeout=5", "appliance.network=dhcp", "guestfs_network=1", "guestfs_verbose=1"])
    }

    func testLibguestfsNetworkMeansItsSlirpPlan() {
        XCTAssertEqual(KernelWords(commandLine: "guestfs_network=1").effectiveNetwork, .address(.libguestfsUser))
        XCTAssertEqual(NetworkAddress.libguestfsUser.argument, "169.254.2.15/16,gw=169.254.2.2,dns=169.254.2.3")
        XCTAssertEqual(KernelWords(commandLine: "guestfs_network=1 appliance.network=dhcp").effectiveNetwork, .dhcp, "ours wins")
        XCTAssertNil(KernelWords(commandLine: "quiet").effectiveNetwork)
    }

    func testSSHKeyLine() {
        let k = SSHPublicKey(argument: "ssh-ed25519:AAAA:B")
        XCTAssertEqual(k, SSHPublicKey(type: "ssh-ed25519", base64: "AAAA:B"), "split at the first colon only")
        XCTAssertEqual(k?.openSSHLine, "ssh-ed25519 AAAA:B")
    }
}
