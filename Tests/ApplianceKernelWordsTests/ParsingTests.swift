import ApplianceKernelWords
import XCTest

/// Reading /proc/cmdline: other words are skipped, the last word wins, and a malformed
/// value is reported rather than dropped.
final class ParsingTests: XCTestCase {
    func testOtherWordsAreSkipped() {
        let w = KernelWords(commandLine: "BOOT_IMAGE=/vmlinuz console=ttyS0 appliance.alivex quietly appliance.networks=dhcp guestfs_network=0 root=/dev/sda")
        XCTAssertEqual(w, KernelWords())
        XCTAssertEqual(w.problems, [])
    }

    func testTheLastWordWins() {
        let w = KernelWords(commandLine: "appliance.network=link appliance.modules=a appliance.network=dhcp appliance.modules=b,c")
        XCTAssertEqual(w.network, .dhcp)
        XCTAssertEqual(w.modules, ["b", "c"])
    }

    func testMalformedNetworkIsReported() {
        for bad in ["10.0.2.15", "10.0.2.15/33", "10.0.2/24", "10.0.2.15/24,gw=x", "10.0.2.15/24,via=10.0.2.2",
                    "300.1.1.1/8", "", "DHCP", "010.0.2.15/24", "+1.0.2.15/24", "10.0.2.15/+24", "10.0.2.15/24,dns=1.2.3.04"] {
            let w = KernelWords(commandLine: "quiet appliance.network=\(bad) guestfs_network=1")
            XCTAssertNil(w.network, bad)
            XCTAssertEqual(w.problems(of: KernelWords.Name.network).map(\.description),
                           ["appliance.network=\(bad): expected ADDR/PREFIX[,gw=GW][,dns=DNS], dhcp or link"], bad)
            XCTAssertTrue(w.quiet)
            XCTAssertNil(NetworkAddress(argument: bad), bad)
        }
    }

    func testALaterGoodWordReplacesABadOne() {
        let w = KernelWords(commandLine: "appliance.network=x appliance.network=link")
        XCTAssertEqual(w.network, .link)
        XCTAssertEqual(w.problems, [])
        let bad = KernelWords(commandLine: "appliance.network=link appliance.network=x")
        XCTAssertNil(bad.network, "the last word is the setting, even when it is malformed")
        XCTAssertEqual(bad.problems.count, 1)
    }

    func testMalformedSSHKeyIsReported() {
        for bad in ["", "ssh-ed25519", "ssh-ed25519:", ":AAAA"] {
            let w = KernelWords(commandLine: "appliance.ssh=\(bad)")
            XCTAssertNil(w.sshKey, bad)
            XCTAssertEqual(w.problems(of: KernelWords.Name.ssh).map(\.value), [bad])
        }
    }

    func testMalformedRootTimeoutIsReported() {
        for bad in ["", "5s", "-1", "+5", "1234567890"] {
            let w = KernelWords(commandLine: "appliance.roottimeout=\(bad)")
            XCTAssertNil(w.rootTimeoutSeconds, bad)
            XCTAssertEqual(w.problems.map(\.description), ["appliance.roottimeout=\(bad): expected a number of seconds"])
        }
        XCTAssertEqual(KernelWords(commandLine: "appliance.roottimeout=007").rootTimeoutSeconds, 7)
    }

    func testOctets() {
        XCTAssertEqual(NetworkAddress.octets("10.0.2.255"), [10, 0, 2, 255])
        for bad in ["10.0.2", "10.0.2.256", "10..2.1", "1.2.3.4.5", "a.b.c.d", "01.2.3.4", "1.2.3.-4", " 1.2.3.4"] {
            XCTAssertNil(NetworkAddress.octets(bad), bad)
        }
    }
}
