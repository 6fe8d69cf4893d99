import Foundation
import GuestProtocol
import XCTest

/// `command` runs programs of the guest root, chrooted into it: in host test mode the
/// sysroot folder, so a test never runs a host program.
final class CommandProcedureTests: SysrootTestCase {
    func testCommandRunsGuestProgramsOnly() throws {
        assertError(try daemon.call(.command, args: [.list([])]), "passed an empty list")
        // The host's /bin/true is not in the guest root.
        assertError(try daemon.call(.command, args: [.list(["/bin/true"])]),
                    getuid() == 0 ? "/bin/true: No such file or directory" : "chroot in sysroot: Operation not permitted")
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/busybox") else {
            throw XCTSkip("running a guest program needs root (chroot) and /bin/busybox (busybox-static)")
        }
        try FileManager.default.createDirectory(atPath: path("/bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: path("/bin/busybox"))
        XCTAssertEqual(try daemon.call(.command, args: [.list(["/bin/busybox", "echo", "a b", "c"])]).string(), "a b c\n")
        XCTAssertEqual(try daemon.call(.command, args: [.list(["/bin/busybox", "ls", "/"])]).string().split(separator: "\n").contains("bin"), true,
                       "the program sees the guest root as /")
        assertError(try daemon.call(.command, args: [.list(["/bin/busybox", "cat", "/nope"])]),
                    "cat: can't open '/nope': No such file or directory")
        try assertAlive()
    }

    func testShAndLines() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/busybox") else {
            throw XCTSkip("running a guest program needs root (chroot) and /bin/busybox (busybox-static)")
        }
        try FileManager.default.createDirectory(atPath: path("/bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: path("/bin/busybox"))
        try FileManager.default.createSymbolicLink(atPath: path("/bin/sh"), withDestinationPath: "busybox")
        XCTAssertEqual(try daemon.call(.sh, args: [.s("echo one; echo; echo three")]).string(), "one\n\nthree\n")
        XCTAssertEqual(try daemon.call(.shLines, args: [.s("echo one; echo; echo three")]).strings(), ["one", "", "three"])
        XCTAssertEqual(try daemon.call(.shLines, args: [.s("true")]).strings(), [])
        XCTAssertEqual(try daemon.call(.commandLines, args: [.list(["/bin/busybox", "printf", "a\\nb"])]).strings(), ["a", "b"])
        assertError(try daemon.call(.sh, args: [.s("echo to stderr >&2; exit 3")]), "to stderr")
    }
}
