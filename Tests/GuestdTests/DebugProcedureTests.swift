import Foundation
import GuestProtocol
import XCTest

/// `debug`'s subcommands that the fault tests lean on (segv is proven end to end: it
/// ends PID 1, which in host test mode would only end the test's daemon).
final class DebugProcedureTests: SysrootTestCase {
    func testDebugSubcommands() throws {
        XCTAssertEqual(try daemon.call(.debug, args: [.s("help"), .list([])]).string(),
                       "Commands supported: help binaries env error ldd print progress segv sh spew")
        // The real daemon's regression path: an error of the asked length, with EROFS.
        assertError(try daemon.call(.debug, args: [.s("error"), .list(["5"])]), "aaaaa", errno: "EROFS")
        assertError(try daemon.call(.debug, args: [.s("error"), .list(["x"])]), "debug error: expecting one arg: length of error message")
        assertError(try daemon.call(.debug, args: [.s("error"), .list(["1000001"])]), "debug error: length argument too large")
        XCTAssertEqual(try daemon.call(.debug, args: [.s("SH"), .list(["echo", "$((6*7))"])]).string(), "42\n")
        assertError(try daemon.call(.debug, args: [.s("sh"), .list(["echo out; echo err >&2; exit 3"])]), "out\nerr")
        assertError(try daemon.call(.debug, args: [.s("sh"), .list([])]), "sh: expecting a command to run")
        XCTAssertTrue(try daemon.call(.debug, args: [.s("env"), .list([])]).string().contains("PATH="))
        assertError(try daemon.call(.debug, args: [.s("frob"), .list([])]), "use 'debug help 0' to list the supported commands")
        try assertAlive()
    }

    /// `debug ldd` lists what `ldd -r` lists for the same program (load addresses vary
    /// from run to run); a static program or a text file is ldd's "not a dynamic executable".
    func testDebugLddListsWhatLddLists() throws {
        func withoutAddresses(_ text: String) -> String {
            text.replacingOccurrences(of: #" \(0x[0-9a-f]+\)"#, with: "", options: .regularExpression)
        }
        let listed = try daemon.call(.debug, args: [.s("ldd"), .list(["/usr/bin/ls"])]).string()
        XCTAssertTrue(listed.contains("libc.so.6 => "), listed)
        XCTAssertEqual(withoutAddresses(listed), withoutAddresses(shell("ldd -r /usr/bin/ls")))
        XCTAssertEqual(shell("ldd -r /usr/bin/busybox 2>&1"), "\tnot a dynamic executable\n")
        assertError(try daemon.call(.debug, args: [.s("ldd"), .list(["/usr/bin/busybox"])]), "ldd: /usr/bin/busybox: \tnot a dynamic executable")
        assertError(try daemon.call(.debug, args: [.s("ldd"), .list(["/etc/hostname"])]), "ldd: /etc/hostname: \tnot a dynamic executable")
        assertError(try daemon.call(.debug, args: [.s("ldd"), .list([])]), "ldd: no file argument")
    }
}
