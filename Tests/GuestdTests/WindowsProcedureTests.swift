import Foundation
import GuestProtocol
import XCTest
@testable import GuestdCore

/// What Windows inspection parses without a VM: cmd.exe's PE header (binaries linked by
/// binutils), MountedDevices' keys and GPT blobs, boot.ini's system roots, the control
/// set's name; and, on a sysroot, case_sensitive_path and the hivex calls' checks.
final class WindowsProcedureTests: SysrootTestCase {
    /// `as` and `ld` make a PE32 and a PE32+ program: i386 and x86_64, as `file` tells
    /// the real daemon; an ELF program and a PE without an optional header are not PE.
    func testArchitectureOfPEPrograms() throws {
        let dir = base.path
        XCTAssertEqual(shell("""
            cd \(dir) && printf '.globl _start\\n_start:\\n\\tret\\n' > s.s && as --32 -o s32.o s.s && ld -m i386pe -o c32.exe s32.o \
            && as -o s64.o s.s && ld -m i386pep -o c64.exe s64.o && echo data > d && objcopy -I binary -O pei-i386 -B i386 d raw.exe && echo made
            """), "made\n")
        func arch(_ name: String) throws -> String? { PEArch.of(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))) }
        XCTAssertEqual(try arch("c32.exe"), "i386")
        XCTAssertEqual(try arch("c64.exe"), "x86_64")
        XCTAssertNil(try arch("raw.exe"))
        XCTAssertNil(try arch("s64.o"))
        XCTAssertNil(PEArch.of(Array("MZ".utf8)))
    }

    func testDriveLettersAndGPTBlobs() {
        XCTAssertEqual(DriveMappings.driveLetter("\\DosDevices\\C:"), "C")
        XCTAssertEqual(DriveMappings.driveLetter("\\dosdevices\\e:"), "e")
        XCTAssertNil(DriveMappings.driveLetter("\\DosDevices\\1:"))
        XCTAssertNil(DriveMappings.driveLetter("\\DosDevices\\C"))
        XCTAssertNil(DriveMappings.driveLetter("\\??\\Volume{0d2a5d62-0000}"))
        // The GUID 01234567-89ab-cdef-0123-456789abcdef as Windows stores it.
        let blob = Array("DMIO:ID:".utf8) + [0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]
        XCTAssertEqual(DriveMappings.guid(blob), "01234567-89ab-cdef-0123-456789abcdef")
    }

    func testBootIniSystemroots() {
        let lines = ["[boot loader]", "timeout=30", "[operating systems]",
                     "multi(0)disk(0)rdisk(0)partition(1)\\WINNT=\"Windows 2000\" /fastdetect",
                     "scsi(0)disk(1)rdisk(0)partition(2)\\Win\\Sys=\"Other\"", "bogus(0)=x",
                     "multi(0)disk(0)rdisk(0)partition(3)\\Late=\"after the run\""]
        XCTAssertEqual(WindowsRoot.bootIniSystemroots(lines), ["/WINNT", "/Win/Sys"])
        XCTAssertEqual(WindowsRoot.bootIniSystemroots(["multi(0)disk(0)rdisk(0)partition(1)\\WINNT=\"x\""]), [])
    }

    func testControlSetNames() {
        XCTAssertEqual(WindowsRegistry.threeDigits(1), "001")
        XCTAssertEqual(WindowsRegistry.threeDigits(42), "042")
        XCTAssertEqual(WindowsRegistry.threeDigits(1234), "1234")
        XCTAssertEqual(WindowsRegistry.threeDigits(-5), "-05")
    }

    /// Names matched in any case, the last one kept as given when missing, and the
    /// real call's errors.
    func testCaseSensitivePath() throws {
        try FileManager.default.createDirectory(atPath: path("/Windows/System32"), withIntermediateDirectories: true)
        try write("/Windows/System32/CMD.EXE", "")
        XCTAssertEqual(try daemon.call(.caseSensitivePath, args: [.s("/windows/system32/cmd.exe")]).string(), "/Windows/System32/CMD.EXE")
        XCTAssertEqual(try daemon.call(.caseSensitivePath, args: [.s("/WINDOWS//system32/new.txt")]).string(), "/Windows/System32/new.txt")
        XCTAssertEqual(try daemon.call(.caseSensitivePath, args: [.s("/")]).string(), "/")
        assertError(try daemon.call(.caseSensitivePath, args: [.s("/nope/x")]), "nope: not found")
        assertError(try daemon.call(.caseSensitivePath, args: [.s("/windows/..")]), "path contains \".\" or \"..\" elements")
        assertError(try daemon.call(.caseSensitivePath, args: [.s("/windows/system32/cmd.exe/x")]),
                    "chdir: CMD.EXE: Not a directory", errno: "ENOTDIR")
        assertError(try daemon.call(.caseSensitivePath, args: [.s("windows")]), "case_sensitive_path_stub: path must start with a / character")
    }

    /// Every call needs hivex_open first; a hive that is not there fails with errno.
    func testHivexCallsNeedAHandle() throws {
        let calls: [(Procedure, [GuestdHarness.Arg], String)] = [
            (.hivexClose, [], "do_hivex_close"), (.hivexRoot, [], "do_hivex_root"), (.hivexNodeName, [.l(1)], "do_hivex_node_name"),
            (.hivexNodeChildren, [.l(1)], "do_hivex_node_children"), (.hivexNodeGetChild, [.l(1), .s("a")], "do_hivex_node_get_child"),
            (.hivexNodeValues, [.l(1)], "do_hivex_node_values"), (.hivexValueString, [.l(1)], "do_hivex_value_string"),
            (.hivexValueUtf8, [.l(1)], "do_hivex_value_string"), (.hivexCommit, [.optS(nil)], "do_hivex_commit"),
            (.hivexNodeSetValue, [.l(1), .s("k"), .l(1), .buf([])], "do_hivex_node_set_value"),
        ]
        for (procedure, args, function) in calls {
            assertError(try daemon.call(procedure, args: args), "\(function): you must call 'hivex-open' first to initialize the hivex handle")
        }
        assertError(try daemon.call(.hivexOpen, args: [.s("/missing"), .b(false), .b(false), .b(false), .b(false)]),
                    "hivex failed to open /missing: No such file or directory", errno: "ENOENT")
        try write("/small", "not a hive\n")
        assertError(try daemon.call(.hivexOpen, args: [.s("/small"), .b(false), .b(false), .b(false), .b(false)]),
                    "hivex failed to open /small: Invalid argument", errno: "EINVAL")
    }
}
