import ApplianceClient
import Foundation
import XCTest

/// guestd's DHCP client when nobody answers: the NIC sits on a qemu hub with no other
/// port, so its DISCOVERs go nowhere. The boot goes on after the bounded retries, with
/// one line on the console, and the daemon serves. (The leased case, against slirp's
/// server, is `SSHEndToEndTests.testDHCPLeasesSlirpsAddress`.)
final class DHCPEndToEndTests: XCTestCase {
    func testNoDHCPServerIsOneConsoleLineAndTheDaemonServes() throws {
        let f = try Fixture.get()
        // qemu as the launcher runs it, with the user netdev swapped for an empty hub.
        let wrapper = f.work + "/qemu-no-dhcp-\(UUID().uuidString)"
        try """
        #!/bin/sh
        n=$#
        for a in "$@"; do
          [ "$a" = "user,id=net0" ] && a="hubport,id=net0,hubid=0"
          set -- "$@" "$a"
        done
        shift $n
        exec qemu-system-x86_64 "$@"
        """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)

        var options = f.options(rootMedia: .disk)
        options.network = .user
        options.networkDHCP = true
        options.qemu = wrapper
        let started = Date()
        let session = try Session.launch(appliance: f.appliance, options: options)
        defer { session.shutdown() }
        let seconds = Date().timeIntervalSince(started)
        try session.pingDaemon()
        let console = session.consoleTail(20)
        XCTAssertTrue(console.contains("guestd: network: DHCP: no DHCPOFFER on eth0 after 4 tries (10 s); the interface stays up without an address"), console)
        XCTAssertGreaterThan(seconds, 10, "the retries ran their course")
        XCTAssertLessThan(seconds, 60, "and no longer")
    }
}
