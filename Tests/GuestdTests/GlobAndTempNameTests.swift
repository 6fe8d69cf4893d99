import Foundation
import GuestProtocol
import XCTest

/// glob_expand (GLOB_BRACE, GLOB_MARK unless directoryslash is false) and mktemp/mkdtemp,
/// resolved inside the sysroot as the real daemon's chroot would.
final class GlobAndTempNameTests: SysrootTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        let fm = FileManager.default
        try fm.createDirectory(atPath: path("/g/b/c"), withIntermediateDirectories: true)
        for file in ["/g/b/c/d", "/g/b/c/e", "/g/b1", "/g/c1"] { try write(file, "x") }
        // Links that would leave the sysroot on the host: inside it they stop at its root.
        try fm.createSymbolicLink(atPath: path("/up"), withDestinationPath: "../..")
        try fm.createSymbolicLink(atPath: path("/g/abs"), withDestinationPath: "/g/b")
    }

    private func glob(_ pattern: String, directoryslash: Bool? = nil) throws -> [String] {
        let r = try daemon.call(.globExpand, args: [.s(pattern), .b(directoryslash ?? false)], optargs: directoryslash == nil ? 0 : 1)
        assertOK(r)
        return try r.strings()
    }

    func testGlobExpandMatchesAsGlibcInTheGuest() throws {
        XCTAssertEqual(try glob("/g/b/c/*"), ["/g/b/c/d", "/g/b/c/e"])
        XCTAssertEqual(try glob("/g/*/c/*"), ["/g/abs/c/d", "/g/abs/c/e", "/g/b/c/d", "/g/b/c/e"])
        XCTAssertEqual(try glob("/g/*/x/*"), [])
        XCTAssertEqual(try glob("/nowhere/*"), [])
        // Directories get a slash unless directoryslash is false; a link to one is one.
        XCTAssertEqual(try glob("/g/b*"), ["/g/b/", "/g/b1"])
        XCTAssertEqual(try glob("/g/b*", directoryslash: true), ["/g/b/", "/g/b1"])
        XCTAssertEqual(try glob("/g/b*", directoryslash: false), ["/g/b", "/g/b1"])
        XCTAssertEqual(try glob("/g/a*"), ["/g/abs/"])
        // Braces keep their order; each part is sorted.
        XCTAssertEqual(try glob("/g/{c1,b*}"), ["/g/c1", "/g/b/", "/g/b1"])
        XCTAssertEqual(try glob("/g/[bc]1"), ["/g/b1", "/g/c1"])
        // A name without wildcards is returned only if it exists.
        XCTAssertEqual(try glob("/g/c1"), ["/g/c1"])
        XCTAssertEqual(try glob("/g/c2"), [])
        // Through "../.." the walk stays in the sysroot: its own entries, never the host's.
        XCTAssertEqual(try glob("/up/i*"), ["/up/inside.txt"])
        XCTAssertEqual(try glob("/up/secret"), [])
        XCTAssertEqual(try glob("/up/../../secre?"), [])
        assertError(try daemon.call(.globExpand, args: [.s("g/*"), .b(false)]), "glob_expand_stub: path must start with a / character")
        try assertAlive()
    }

    func testMktempAndMkdtempMakeNewNamesInTheGuest() throws {
        let file = try daemon.call(.mktemp, args: [.s("/g/tmpXXXXXX"), .s("")])
        assertOK(file)
        let name = try file.string()
        XCTAssertNotNil(name.wholeMatch(of: /\/g\/tmp[A-Za-z0-9]{6}/), name)
        var st = stat()
        XCTAssertEqual(lstat(path(name), &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFREG)
        XCTAssertEqual(st.st_mode & 0o7777, 0o600)
        XCTAssertNotEqual(try daemon.call(.mktemp, args: [.s("/g/tmpXXXXXX"), .s("")]).string(), name)

        let suffixed = try daemon.call(.mktemp, args: [.s("/up/g/sXXXXXX"), .s(".txt")], optargs: 1).string()
        XCTAssertNotNil(suffixed.wholeMatch(of: /\/up\/g\/s[A-Za-z0-9]{6}\.txt/), suffixed)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("/g/" + (suffixed as NSString).lastPathComponent)))

        let dir = try daemon.call(.mkdtemp, args: [.s("/g/dXXXXXX")]).string()
        XCTAssertEqual(lstat(path(dir), &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFDIR)
        XCTAssertEqual(st.st_mode & 0o7777, 0o700)

        assertError(try daemon.call(.mktemp, args: [.s("/g/shortXX"), .s("")]), "/g/shortXX: Invalid argument", errno: "EINVAL")
        assertError(try daemon.call(.mktemp, args: [.s("/g/nosuffix"), .s(".txt")], optargs: 1), "template /g/nosuffix must end in X")
        assertError(try daemon.call(.mkdtemp, args: [.s("/g/dXXXX")]), "/g/dXXXX: Invalid argument", errno: "EINVAL")
        let missing = try daemon.call(.mktemp, args: [.s("/nodir/fXXXXXX"), .s("")])
        XCTAssertEqual(missing.error?.errnoString, "ENOENT")
        XCTAssertNotNil(missing.error?.message.wholeMatch(of: /\/nodir\/f[A-Za-z0-9]{6}: No such file or directory/), missing.error?.message ?? "")
        assertError(try daemon.call(.mktemp, args: [.s("tmpXXXXXX"), .s("")]), "mktemp_stub: path must start with a / character")
    }
}
