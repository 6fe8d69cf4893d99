import Foundation
import GuestProtocol
import XCTest

/// file, copy_attributes, fill_pattern, fill_dir, sleep, checksums_out, mkmountpoint/rmmountpoint, the
/// journal and debug progress on a sysroot directory, checked against the host's own
/// tools (file, find | xargs md5sum, cksum, journalctl).
final class ChangingFileProcedureTests: SysrootTestCase {
    func testFileNamesTypesAndDescribesRegularFiles() throws {
        try write("/text.txt", "plain words\n")
        try FileManager.default.createSymbolicLink(atPath: path("/link"), withDestinationPath: "text.txt")
        XCTAssertEqual(try daemon.call(.file, ["/dir"]).string(), "directory")
        XCTAssertEqual(try daemon.call(.file, ["/link"]).string(), "symbolic link")
        XCTAssertEqual(try daemon.call(.file, ["/text.txt"]).string(), shell("file -zSb \(path("/text.txt"))").trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(try daemon.call(.file, ["/text.txt"]).string(), "ASCII text")
        assertError(try daemon.call(.file, ["/nothing"]), "lstat: /nothing: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.file, ["relative"]), "file_stub: path must start with a / character")
    }

    func testCopyAttributesCopiesModeOwnerAndXattrsAsAsked() throws {
        try write("/src", "a")
        try write("/dest", "b")
        // chown clears set-user-ID: owner first.
        XCTAssertEqual(chown(path("/src"), 123, 456), 0)
        XCTAssertEqual(chmod(path("/src"), 0o4751), 0)
        XCTAssertEqual(chmod(path("/dest"), 0o644), 0)
        // all, but mode:false: owner only.
        assertOK(try daemon.call(.copyAttributes, args: [.s("/src"), .s("/dest"), .b(true), .b(false), .b(false), .b(false)], optargs: 0b11))
        var st = stat()
        XCTAssertEqual(stat(path("/dest"), &st), 0)
        XCTAssertEqual(st.st_mode & 0o7777, 0o644)
        XCTAssertEqual([st.st_uid, st.st_gid], [123, 456])
        // mode alone.
        assertOK(try daemon.call(.copyAttributes, args: [.s("/src"), .s("/dest"), .b(false), .b(true), .b(false), .b(false)], optargs: 0b10))
        XCTAssertEqual(stat(path("/dest"), &st), 0)
        XCTAssertEqual(st.st_mode & 0o7777, 0o4751)
        assertError(try daemon.call(.copyAttributes, args: [.s("/nothing"), .s("/dest"), .b(false), .b(false), .b(false), .b(false)]), "stat: /nothing: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.copyAttributes, args: [.s("/src"), .s("/nothing"), .b(false), .b(false), .b(false), .b(false)]), "stat: /nothing: No such file or directory", errno: "ENOENT")
    }

    /// fallocate64 makes or truncates the file to len allocated zero bytes (guestfish's
    /// cancellation test makes its download source this way).
    func testFallocateMakesAllocatedZeroFilesAndTruncatesExistingOnes() throws {
        assertOK(try daemon.call(.fallocate64, args: [.s("/new"), .l(1_000_000)]))
        XCTAssertEqual(contents("/new"), [UInt8](repeating: 0, count: 1_000_000))
        var st = stat()
        XCTAssertEqual(stat(path("/new"), &st), 0)
        XCTAssertGreaterThanOrEqual(Int(st.st_blocks) * 512, 1_000_000, "the blocks are allocated, not a sparse file")
        try write("/old", String(repeating: "x", count: 5000))
        assertOK(try daemon.call(.fallocate, args: [.s("/old"), .i(100)]))
        XCTAssertEqual(contents("/old"), [UInt8](repeating: 0, count: 100))
        assertError(try daemon.call(.fallocate, args: [.s("/old"), .i(-1)]), "length < 0")
        assertError(try daemon.call(.fallocate64, args: [.s("/dir/missing/f"), .l(1)]), "open: /dir/missing/f: No such file or directory", errno: "ENOENT")
    }

    func testFillPatternRepeatsThePatternWithoutTruncating() throws {
        try write("/long", "0123456789ABCDEF")
        assertOK(try daemon.call(.fillPattern, args: [.s("abc"), .i(10), .s("/long")]))
        XCTAssertEqual(contents("/long"), Array("abcabcabcaABCDEF".utf8))
        assertOK(try daemon.call(.fillPattern, args: [.s("xyz"), .i(200_000), .s("/new")]))
        XCTAssertEqual(contents("/new"), Array(String(repeating: "xyz", count: 66_667).utf8.prefix(200_000)))
        assertError(try daemon.call(.fillPattern, args: [.s(""), .i(1), .s("/x")]), "pattern string must be non-empty")
        assertError(try daemon.call(.fillPattern, args: [.s("a"), .i(-1), .s("/x")]), "-1: length is < 0")
    }

    /// fill_dir: nr empty files named by eight digits, as libguestfs's big-directory test
    /// makes them; sleep returns after its seconds.
    func testFillDirMakesNumberedEmptyFilesAndSleepWaits() throws {
        try FileManager.default.createDirectory(atPath: path("/big"), withIntermediateDirectories: false)
        assertOK(try daemon.call(.fillDir, args: [.s("/big"), .i(12)]))
        let names = try FileManager.default.contentsOfDirectory(atPath: path("/big")).sorted()
        XCTAssertEqual(names, (0 ..< 12).map { String(format: "%08d", $0) })
        XCTAssertEqual(contents("/big/00000011"), [])
        assertError(try daemon.call(.fillDir, args: [.s("/nothing"), .i(1)]), "create: /nothing/00000000: No such file or directory", errno: "ENOENT")
        let start = Date()
        assertOK(try daemon.call(.sleep, args: [.i(1)]))
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 1)
    }

    /// The lines md5sum, sha256sum and cksum print for `find -type f` of the same
    /// directory, names with a backslash, a newline and a carriage return included.
    func testChecksumsOutPrintsWhatFindAndTheChecksumToolsPrint() throws {
        let top = path("/sums")
        try FileManager.default.createDirectory(atPath: top + "/sub/deeper", withIntermediateDirectories: true)
        for (name, text) in [("a", "one"), ("sub/b", "two"), ("sub/deeper/c", ""), ("back\\slash", "3"), ("new\nline", "4"), ("car\rriage", "5")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: top + "/" + name))
        }
        try FileManager.default.createSymbolicLink(atPath: top + "/link", withDestinationPath: "a")
        for (type, tool) in [("md5", "md5sum"), ("sha256", "sha256sum"), ("crc", "cksum"), ("SHA1", "sha1sum")] {
            let r = try daemon.call(.checksumsOut, [type, "/sums"])
            assertOK(r)
            let out = try daemon.readChunks()
            XCTAssertEqual(String(decoding: out, as: UTF8.self), shell("cd \(top) && find -type f -print0 | xargs -0 \(tool)"), type)
        }
        // The escaped name: a leading backslash, then \n for the newline.
        XCTAssertTrue(shell("cd \(top) && find -type f -print0 | xargs -0 md5sum").contains("  ./new\\nline\n"))
        assertError(try daemon.call(.checksumsOut, ["md4", "/sums"]), "unknown checksum type, expecting crc|md5|sha1|sha224|sha256|sha384|sha512")
        assertError(try daemon.call(.checksumsOut, ["md5", "/nothing"]), "/nothing: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.checksumsOut, ["md5", "/inside.txt"]), "/inside.txt: not a directory")
        try assertAlive()
    }

    func testMountpointsAreMadeAndRemovedWithoutARootCheck() throws {
        assertOK(try daemon.call(.mkmountpoint, ["/mp"]))
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("/mp"), isDirectory: &isDir) && isDir.boolValue)
        assertError(try daemon.call(.mkmountpoint, ["/mp"]), "/mp: File exists", errno: "EEXIST")
        assertError(try daemon.call(.mkmountpoint, ["mp"]), "do_mkmountpoint: path must start with a / character")
        assertOK(try daemon.call(.rmmountpoint, ["/mp"]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("/mp")))
        assertError(try daemon.call(.rmmountpoint, ["/mp"]), "/mp: No such file or directory", errno: "ENOENT")
        assertError(try daemon.call(.rmmountpoint, ["x"]), "do_rmmountpoint: path must start with a / character")
    }

    /// A journal written by systemd-journal-remote, read entry by entry: the fields
    /// journalctl exports, the timestamps, skipping both ways, the data threshold.
    func testJournalIsReadEntryByEntryAsJournalctlExportsIt() throws {
        guard FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd-journal-remote") else {
            throw XCTSkip("systemd-journal-remote is not installed")
        }
        let dir = path("/var/log/journal/0123456789abcdef0123456789abcdef")
        try makeImages("""
            mkdir -p \(dir) && printf '__REALTIME_TIMESTAMP=1700000000000001\\n__MONOTONIC_TIMESTAMP=1\\n_BOOT_ID=fedcba9876543210fedcba9876543210\\nMESSAGE=first\\nPRIORITY=6\\n\\n__REALTIME_TIMESTAMP=1700000000000002\\n__MONOTONIC_TIMESTAMP=2\\n_BOOT_ID=fedcba9876543210fedcba9876543210\\nMESSAGE=second\\nBINARY=a=b\\n\\n' \
              | /lib/systemd/systemd-journal-remote -o \(dir)/system.journal - 2>/dev/null
            """)
        let notOpen = "you must call 'journal-open' first to initialize the journal handle"
        assertError(try daemon.call(.journalNext), "do_journal_next: " + notOpen)
        XCTAssertEqual(try daemon.call(.internalFeatureAvailable, ["journal"]).int(), 0)
        assertOK(try daemon.call(.journalOpen, ["/var/log/journal"]))
        XCTAssertEqual(try daemon.call(.journalGetDataThreshold).int64(), 65536)
        assertOK(try daemon.call(.journalSetDataThreshold, args: [.l(0)]))
        XCTAssertEqual(try daemon.call(.journalGetDataThreshold).int64(), 0)

        func entry() throws -> [String] {
            assertOK(try daemon.call(.internalJournalGet))
            var data = try daemon.readChunks()[...]
            var fields: [String] = []
            while data.count >= 8 {
                let n = data.prefix(8).reduce(0) { $0 << 8 | Int($1) }
                fields.append(String(decoding: data.dropFirst(8).prefix(n), as: UTF8.self))
                data = data.dropFirst(8 + n)
            }
            XCTAssertTrue(data.isEmpty)
            return fields
        }
        let exported = shell("journalctl --file \(dir)/system.journal -o export | grep -v -e '^__' -e '^$'").split(separator: "\n").map(String.init)
        XCTAssertEqual(try daemon.call(.journalNext).bool(), true)
        XCTAssertEqual(try daemon.call(.journalGetRealtimeUsec).int64(), 1_700_000_000_000_001)
        let first = try entry()
        XCTAssertEqual(try daemon.call(.journalNext).bool(), true)
        let second = try entry()
        XCTAssertEqual((first + second).sorted(), exported.sorted())
        XCTAssertTrue(second.contains("MESSAGE=second"), "\(second)")
        XCTAssertEqual(try daemon.call(.journalNext).bool(), false)
        XCTAssertEqual(try daemon.call(.journalSkip, args: [.l(-1)]).int64(), 1)
        XCTAssertEqual(try daemon.call(.journalGetRealtimeUsec).int64(), 1_700_000_000_000_001)
        XCTAssertEqual(try daemon.call(.journalSkip, args: [.l(0)]).int64(), 0)
        XCTAssertEqual(try daemon.call(.journalSkip, args: [.l(5)]).int64(), 1)
        assertOK(try daemon.call(.journalClose))
        assertError(try daemon.call(.journalClose), "do_journal_close: " + notOpen)
        assertError(try daemon.call(.journalOpen, ["/nothing"]), "sd_journal_open_directory: /nothing: No such file or directory", errno: "ENOENT")
    }

    /// debug progress SECS RATE sends a message every RATE µs without the rate limit,
    /// the last at 100%; the limited form sends none in a second (the first waits 2 s).
    func testDebugProgressSendsTheAskedMessages() throws {
        var e = XDREncoder()
        e.string("progress")
        e.stringList(["1", "100000"])
        try daemon.send(Procedure.debug.number, body: e.bytes)
        var positions: [(UInt64, UInt64)] = []
        while true {
            let frame = try daemon.channel.readFrame()
            if case let .progress(p) = frame { positions.append((p.position, p.total)); continue }
            guard case let .message(bytes) = frame else { continue }
            var d = XDRDecoder(bytes)
            let h = try MessageHeader.decode(from: &d)
            XCTAssertEqual(h.status, .ok)
            XCTAssertEqual(try d.string(), "ok")
            break
        }
        XCTAssertEqual(positions.map(\.0), (1 ... 10).map { UInt64($0) * 100_000 })
        XCTAssertTrue(positions.allSatisfy { $0.1 == 1_000_000 })
        XCTAssertEqual(try daemon.call(.debug, args: [.s("progress"), .list(["1"])]).string(), "ok")
        assertError(try daemon.call(.debug, args: [.s("progress"), .list(["0"])]), "progress: argument is 0, less than 0, or too large")
        assertError(try daemon.call(.debug, args: [.s("progress"), .list(["-3"])]), "progress: argument is 0, less than 0, or too large")
        assertError(try daemon.call(.debug, args: [.s("progress"), .list(["1", "0"])]), "progress: rate is 0 or too large")
        assertError(try daemon.call(.debug, args: [.s("progress"), .list([])]),
                    "progress: expecting one or more args: time in seconds [, rate in microseconds]")
    }
}
