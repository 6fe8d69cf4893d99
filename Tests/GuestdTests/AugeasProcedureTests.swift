import Foundation
import GuestProtocol
import XCTest

/// The aug_* calls against the host's libaugeas and lenses, on a sysroot holding an
/// /etc/hosts and /etc/hostname; error texts as the stock appliance's daemon words them.
final class AugeasProcedureTests: SysrootTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try FileManager.default.createDirectory(atPath: path("/etc"), withIntermediateDirectories: true)
        try write("/etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\told.example.org old\n# a comment\n::1\tlocalhost ip6-localhost\n")
        try write("/etc/hostname", "old\n")
    }

    private func initAugeas(flags: Int32 = 0) throws {
        assertOK(try daemon.call(.augInit, args: [.s("/"), .i(flags)]))
    }

    func testEveryCallNeedsAHandleFirst() throws {
        let calls: [(Procedure, [GuestdHarness.Arg], String)] = [
            (.augClose, [], "do_aug_close"), (.augGet, [.s("/files")], "do_aug_get"), (.augSet, [.s("/a"), .s("b")], "do_aug_set"),
            (.augMatch, [.s("/*")], "do_aug_match"), (.augLs, [.s("/files")], "do_aug_ls"), (.augSave, [], "do_aug_save"),
            (.augLoad, [], "do_aug_load"), (.augRm, [.s("/a")], "do_aug_rm"), (.augMv, [.s("/a"), .s("/b")], "do_aug_mv"),
            (.augInsert, [.s("/a"), .s("b"), .b(true)], "do_aug_insert"), (.augClear, [.s("/a")], "do_aug_clear"),
            (.augDefvar, [.s("v"), .optS(nil)], "do_aug_defvar"), (.augDefnode, [.s("n"), .s("/a"), .s("v")], "do_aug_defnode"),
            (.augSetm, [.s("/a"), .optS(nil), .s("v")], "do_aug_setm"), (.augLabel, [.s("/a")], "do_aug_label"),
            (.augTransform, [.s("Hosts"), .s("/etc/x"), .b(false)], "do_aug_transform"),
        ]
        for (procedure, args, function) in calls {
            assertError(try daemon.call(procedure, args: args), "\(function): you must call 'aug-init' first to initialize Augeas")
        }
        try initAugeas()
        assertOK(try daemon.call(.augClose, args: []))
        assertError(try daemon.call(.augClose, args: []), "do_aug_close: you must call 'aug-init' first to initialize Augeas")
    }

    func testReadingTheTree() throws {
        try initAugeas()
        XCTAssertEqual(try daemon.call(.augGet, args: [.s("/files/etc/hostname/hostname")]).string(), "old")
        XCTAssertEqual(try daemon.call(.augMatch, args: [.s("/files/etc/hosts/*/canonical")]).strings(),
                       ["/files/etc/hosts/1/canonical", "/files/etc/hosts/2/canonical", "/files/etc/hosts/3/canonical"])
        // aug_ls: the children, sorted by bytes ("#comment" before the numbers).
        XCTAssertEqual(try daemon.call(.augLs, args: [.s("/files/etc/hosts")]).strings(),
                       ["/files/etc/hosts/#comment", "/files/etc/hosts/1", "/files/etc/hosts/2", "/files/etc/hosts/3"])
        for bad in ["/files/etc/hosts/", "/files/etc/hosts[1]", "/files/*"] {
            assertError(try daemon.call(.augLs, args: [.s(bad)]), "don't use aug-ls with a path that ends with / ] *")
        }
        XCTAssertEqual(try daemon.call(.augLs, args: [.s("/")]).strings(), ["/augeas", "/files"])
        XCTAssertEqual(try daemon.call(.augLabel, args: [.s("/files/etc/hosts/2/alias")]).string(), "alias")
        assertError(try daemon.call(.augLabel, args: [.s("/files/etc/nope")]), "no matching nodes found")
        assertError(try daemon.call(.augLabel, args: [.s("/files/etc/hosts/*")]),
                    "aug_label: /files/etc/hosts/*: Too many matches for path expression: There are 4 nodes matching /files/etc/hosts/*")
        assertError(try daemon.call(.augGet, args: [.s("/files/etc/nope")]), "no matching node")
        assertError(try daemon.call(.augGet, args: [.s("/augeas")]), "Augeas returned NULL match")
        assertError(try daemon.call(.augGet, args: [.s("/files/etc/hosts/*/canonical")]),
                    "aug_get: /files/etc/hosts/*/canonical: Too many matches for path expression: There are 3 nodes matching /files/etc/hosts/*/canonical")
        // A variable stands for its nodes; an unset expression (NULL) removes it.
        XCTAssertEqual(try daemon.call(.augDefvar, args: [.s("h"), .optS("/files/etc/hosts/*[ipaddr = '::1']")]).int(), 1)
        XCTAssertEqual(try daemon.call(.augGet, args: [.s("$h/canonical")]).string(), "localhost")
        XCTAssertEqual(try daemon.call(.augDefvar, args: [.s("h"), .optS(nil)]).int(), 0)
        XCTAssertEqual(try daemon.call(.augMatch, args: [.s("$h")]).header.status, .error)
    }

    func testEditingAndSavingWritesTheGuestFile() throws {
        try initAugeas()
        let created = try daemon.call(.augDefnode, args: [.s("n"), .s("/files/etc/hosts/01/ipaddr"), .s("10.9.9.9")]).structure(.intBool)
        XCTAssertEqual(created.values.map(\.int), [1, 1])
        let again = try daemon.call(.augDefnode, args: [.s("n"), .s("/files/etc/hosts/01/ipaddr"), .s("10.9.9.9")]).structure(.intBool)
        XCTAssertEqual(again.values.map(\.int), [1, 0])
        assertOK(try daemon.call(.augSet, args: [.s("/files/etc/hosts/01/canonical"), .s("nine")]))
        assertOK(try daemon.call(.augInsert, args: [.s("/files/etc/hosts/1/canonical"), .s("alias"), .b(false)]))
        assertOK(try daemon.call(.augSet, args: [.s("/files/etc/hosts/1/alias"), .s("lh")]))
        XCTAssertEqual(try daemon.call(.augRm, args: [.s("/files/etc/hosts/3/alias")]).int(), 1)
        XCTAssertEqual(try daemon.call(.augRm, args: [.s("/files/etc/hosts/nothing")]).int(), 0)
        assertOK(try daemon.call(.augMv, args: [.s("/files/etc/hosts/2/alias"), .s("/files/etc/hosts/2/alias[last()+1]")]))
        XCTAssertEqual(try daemon.call(.augSetm, args: [.s("/files/etc/hosts/*[canonical = 'localhost']"), .optS("canonical"), .s("lo")]).int(), 2)
        assertOK(try daemon.call(.augSave, args: []))
        XCTAssertEqual(contents("/etc/hosts").map { String(decoding: $0, as: UTF8.self) },
                       "127.0.0.1\tlo lh\n127.0.1.1\told.example.org old\n# a comment\n::1\tlo\n10.9.9.9\tnine\n")

        // Augeas's own errors: the call's words, then its message, minor message and details.
        assertError(try daemon.call(.augSet, args: [.s("/files/etc/hosts/*/canonical"), .s("x")]),
                    "aug_set: /files/etc/hosts/*/canonical: x: Too many matches for path expression")
        assertError(try daemon.call(.augSet, args: [.s("/files/etc/hosts/1/canonical["), .s("x")]),
                    "aug_set: /files/etc/hosts/1/canonical[: x: Invalid path expression: illegal string literal: /files/etc/hosts/1/canonical[|=|")
        assertError(try daemon.call(.augInsert, args: [.s("/files/etc/hosts/*"), .s("alias"), .b(true)]),
                    "aug_insert: /files/etc/hosts/*: alias [before=1]: Too many matches for path expression")
        assertError(try daemon.call(.augRm, args: [.s("/files/etc/hosts/[")]),
                    "aug_rm: /files/etc/hosts/[: Invalid path expression: empty name: /files/etc/hosts/|=|[")
        assertError(try daemon.call(.augMv, args: [.s("/files/etc/hosts/*"), .s("/files/etc/hosts/9")]),
                    "aug_mv: /files/etc/hosts/*: /files/etc/hosts/9: Too many matches for path expression")

        // A tree the lens cannot write back: the save fails with Augeas's "No error" (the
        // reason is in /augeas/…/error) and the file stays as it was.
        assertOK(try daemon.call(.augClear, args: [.s("/files/etc/hosts/1")]))
        assertOK(try daemon.call(.augSet, args: [.s("/files/etc/hosts/#comment/canonical"), .s("x")]))
        assertError(try daemon.call(.augSave, args: []), "aug_save: No error")
        XCTAssertEqual(try daemon.call(.augMatch, args: [.s("/augeas/files/etc/hosts/error")]).strings(), ["/augeas/files/etc/hosts/error"])
        XCTAssertTrue(String(decoding: contents("/etc/hosts") ?? [], as: UTF8.self).hasPrefix("127.0.0.1\tlo lh\n"))
    }

    func testFlagsLoadAndTransform() throws {
        // AUG_NO_LOAD (32): an empty tree until aug_load.
        try initAugeas(flags: 32)
        XCTAssertEqual(try daemon.call(.augMatch, args: [.s("/files/etc/hosts/*")]).strings(), [])
        assertOK(try daemon.call(.augLoad, args: []))
        XCTAssertEqual(try daemon.call(.augMatch, args: [.s("/files/etc/hosts/*")]).strings().count, 4)

        // A file no lens claims, then given to the Hosts lens.
        try write("/etc/extra-hosts", "10.1.1.1 extra\n")
        XCTAssertEqual(try daemon.call(.augMatch, args: [.s("/files/etc/extra-hosts/*")]).strings(), [])
        assertOK(try daemon.call(.augTransform, args: [.s("Hosts"), .s("/etc/extra-hosts"), .b(false)]))
        assertOK(try daemon.call(.augLoad, args: []))
        XCTAssertEqual(try daemon.call(.augGet, args: [.s("/files/etc/extra-hosts/1/canonical")]).string(), "extra")
        assertOK(try daemon.call(.augTransform, args: [.s("Hosts"), .s("/etc/extra-hosts"), .b(true)], optargs: 1))
        assertOK(try daemon.call(.augLoad, args: []))
        XCTAssertEqual(try daemon.call(.augMatch, args: [.s("/files/etc/extra-hosts/*")]).strings(), [])

        // AUG_SAVE_NEWFILE (2): changes go to hosts.augnew, the original stays.
        try initAugeas(flags: 2)
        assertOK(try daemon.call(.augSet, args: [.s("/files/etc/hostname/hostname"), .s("new")]))
        assertOK(try daemon.call(.augSave, args: []))
        XCTAssertEqual(contents("/etc/hostname"), Array("old\n".utf8))
        XCTAssertEqual(contents("/etc/hostname.augnew"), Array("new\n".utf8))
        try assertAlive()
    }

    /// The root is a guest path: ".." and symlinks stay in the guest, so Augeas never
    /// reads the files around the sysroot (here the base folder holds a hostname of its own).
    func testTheRootIsAGuestPath() throws {
        assertError(try daemon.call(.augInit, args: [.s("etc"), .i(0)]), "aug_init_stub: path must start with a / character")
        try FileManager.default.createDirectory(atPath: base.path + "/etc", withIntermediateDirectories: true)
        try Data("outside\n".utf8).write(to: base.appendingPathComponent("etc/hostname"))
        try FileManager.default.createSymbolicLink(atPath: path("/link"), withDestinationPath: "../..")
        for root in ["/..", "/dir/../..", "/link", "/nonexistent/../.."] {
            assertOK(try daemon.call(.augInit, args: [.s(root), .i(0)]))
            XCTAssertEqual(try daemon.call(.augGet, args: [.s("/files/etc/hostname/hostname")]).string(), "old", root)
        }
        assertOK(try daemon.call(.augInit, args: [.s("/nonexistent"), .i(0)]))
        XCTAssertEqual(try daemon.call(.augMatch, args: [.s("/files/*")]).strings(), [])
    }
}
