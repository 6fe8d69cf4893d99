@testable import StorageText
import XCTest

/// The btrfs reports as Debian 12's btrfs-progs 6.2 prints them, read as libguestfs 1.48's
/// daemon reads them.
final class BtrfsReportTests: XCTestCase {
    // `btrfs subvolume show` of a subvolume with quotas on and two snapshots.
    let subvolume = """
        sub1
        \tName: \t\t\tsub1
        \tUUID: \t\t\t2fed2079-14d1-0247-bd9e-1d83d0a25aad
        \tParent UUID: \t\t-
        \tReceived UUID: \t\t-
        \tCreation time: \t\t2026-12-03 03:16:38 +0000
        \tSubvolume ID: \t\t256
        \tGeneration: \t\t7
        \tGen at creation: \t7
        \tParent ID: \t\t5
        \tTop level ID: \t\t5
        \tFlags: \t\t\t-
        \tSend transid: \t\t0
        \tSend time: \t\t2026-12-03 03:16:38 +0000
        \tReceive transid: \t0
        \tReceive time: \t\t-
        \tSnapshot(s):
        \t\t\t\tsnap1
        \t\t\t\tdir/snap2
        \tQuota group:\t\t0/256
        \t  Limit referenced:\t-
        \t  Limit exclusive:\t-
        \t  Usage referenced:\t16.00KiB
        \t  Usage exclusive:\t16.00KiB

        """

    func testSubvolumeShowGivesKeysAndValuesWithSnapshotsJoined() throws {
        let list = try BtrfsSubvolumeShow.parse(subvolume)
        XCTAssertEqual(Array(list.prefix(6)), ["path", "sub1", "Name", "sub1", "UUID", "2fed2079-14d1-0247-bd9e-1d83d0a25aad"])
        let pairs = Dictionary(uniqueKeysWithValues: stride(from: 0, to: list.count, by: 2).map { (list[$0], list[$0 + 1]) })
        XCTAssertEqual(pairs["Parent UUID"], "")
        XCTAssertEqual(pairs["Creation time"], "2026-12-03 03:16:38 +0000")
        XCTAssertEqual(pairs["Snapshot(s)"], "snap1,dir/snap2")
        XCTAssertEqual(pairs["Quota group"], "0/256")
        XCTAssertEqual(pairs["Limit referenced"], "")
        XCTAssertEqual(pairs["Usage exclusive"], "16.00KiB")
        XCTAssertEqual(list.count, 2 * 22)
    }

    func testSubvolumeShowWithoutSnapshotsAndTruncatedOrEmptyLines() throws {
        let list = try BtrfsSubvolumeShow.parse("/\n\tName: \t\t\t<FS_TREE>\n\tSnapshot(s):\n")
        XCTAssertEqual(list, ["path", "/", "Name", "<FS_TREE>", "Snapshot(s)", ""])
        // An empty line is an empty key with an empty value; the text goes on after it.
        XCTAssertEqual(try BtrfsSubvolumeShow.parse("x\n\n\tA: 1\n"), ["path", "x", "", "", "A", "1"])
        // A key with no colon outside the snapshots: its value is empty.
        XCTAssertEqual(try BtrfsSubvolumeShow.parse("x\nlone\n"), ["path", "x", "lone", ""])
        XCTAssertThrowsError(try BtrfsSubvolumeShow.parse("sub1")) {
            XCTAssertEqual(($0 as? BtrfsReportError)?.message, "truncated output: sub1")
        }
        XCTAssertThrowsError(try BtrfsSubvolumeShow.parse("")) {
            XCTAssertEqual(($0 as? BtrfsReportError)?.message, "truncated output: ")
        }
    }

    func testQgroupShowReadsIdsAndRawSizes() throws {
        let text = """
            Qgroupid    Referenced    Exclusive   Path\u{20}
            --------    ----------    ---------   ----\u{20}
            0/5              16384        16384   <toplevel>
            0/256            16384        16384   sub1
            1/100            32768            0   <0 member qgroups>

            """
        XCTAssertEqual(try BtrfsQgroupShow.parse(text), [
            .init(id: "0/5", referenced: 16384, exclusive: 16384), .init(id: "0/256", referenced: 16384, exclusive: 16384),
            .init(id: "1/100", referenced: 32768, exclusive: 0),
        ])
        XCTAssertEqual(try BtrfsQgroupShow.parse("Qgroupid\n--------\n"), [])
        XCTAssertThrowsError(try BtrfsQgroupShow.parse("Qgroupid\n--------\n0/5 16.00KiB 16.00KiB\n")) {
            XCTAssertEqual(($0 as? BtrfsReportError)?.message, "cannot parse output of qgroup show command: 0/5 16.00KiB 16.00KiB")
        }
        XCTAssertThrowsError(try BtrfsQgroupShow.parse(" 0/5 1 2\n")) {
            XCTAssertEqual(($0 as? BtrfsReportError)?.message, "calloc: Cannot allocate memory")
        }
    }

    func testScrubStatusCountersFinishedAndNeverRun() throws {
        let counters = Self.scrubCounters(values: [0, 22, 0, 360448, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 72679424])
        let finished = "UUID:             82f76a0b-35bb-49ba-8a23-202666a3d1a4\nScrub started:    Thu Dec  3 03:17:04 2026\n"
            + "Status:           finished\nDuration:         0:00:00\n" + counters
        let status = try BtrfsScrubStatus.parse(finished)
        XCTAssertEqual(status["tree_extents_scrubbed"], 22)
        XCTAssertEqual(status["tree_bytes_scrubbed"], 360448)
        XCTAssertEqual(status["last_physical"], 72679424)
        XCTAssertEqual(status.counters.count, 15)
        // Never scrubbed: "no stats available" ends the reading, all zero.
        let never = "UUID:             82f76a0b-35bb-49ba-8a23-202666a3d1a4\n\tno stats available\n"
            + Self.scrubCounters(values: Array(repeating: 7, count: 15))
        XCTAssertEqual(try BtrfsScrubStatus.parse(never), BtrfsScrubStatus())
    }

    func testScrubStatusErrors() {
        XCTAssertThrowsError(try BtrfsScrubStatus.parse("UUID: x\n")) {
            XCTAssertEqual(($0 as? BtrfsReportError)?.message, "truncated output from 'btrfs scrub status -R' command")
        }
        XCTAssertThrowsError(try BtrfsScrubStatus.parse("UUID: x\n\tdata_extents_scrubbed: 1\n\tread_errors: 0\n")) {
            XCTAssertEqual(($0 as? BtrfsReportError)?.message, "truncated output from 'btrfs scrub status -R' command")
        }
        XCTAssertThrowsError(try BtrfsScrubStatus.parse("UUID: x\n\tnew_counter: 5\n")) {
            XCTAssertEqual(($0 as? BtrfsReportError)?.message, "\tnew_counter: 5: could not parse btrfs scrub status.")
        }
    }

    func testBalanceStatusNoneRunningPausedAndUnexpected() throws {
        XCTAssertEqual(try BtrfsBalanceStatus.parse("No balance found on '/sysroot/'\n"), BtrfsBalanceStatus(status: "none"))
        let running = "Balance on '/sysroot/' is running\n3 out of about 8 chunks balanced (4 considered),  62% left\n"
        XCTAssertEqual(try BtrfsBalanceStatus.parse(running),
                       BtrfsBalanceStatus(status: "running", total: 8, balanced: 3, considered: 4, left: 62))
        XCTAssertEqual(try BtrfsBalanceStatus.parse("Balance on 'it' is paused\n1 out of about 2 chunks balanced (1 considered), 50% left\n").status,
                       "paused")
        XCTAssertThrowsError(try BtrfsBalanceStatus.parse("Balance on '/x' is running, pause requested\n1 out of")) {
            XCTAssertEqual(($0 as? BtrfsReportError)?.message,
                           "unexpected output from 'btrfs balance status' command: Balance on '/x' is running, pause requested")
        }
        XCTAssertThrowsError(try BtrfsBalanceStatus.parse("Balance on '/x' is paused\n")) {
            XCTAssertEqual(($0 as? BtrfsReportError)?.message, "truncated output from 'btrfs balance status' command")
        }
        XCTAssertThrowsError(try BtrfsBalanceStatus.parse("Balance on '/x' is paused\n1 out of 2\n")) {
            XCTAssertEqual(($0 as? BtrfsReportError)?.message, "sscanf: Success")
        }
    }

    func testFilesystemShowDevicesAndErrors() throws {
        let two = """
            Label: 'pool'  uuid: 82f76a0b-35bb-49ba-8a23-202666a3d1a4
            \tTotal devices 2 FS bytes used 176.00KiB
            \tdevid    1 size 200.00MiB used 88.00MiB path /dev/sda1
            \tdevid    2 size 200.00MiB used 0.00B path /dev/sda2


            """
        XCTAssertEqual(try BtrfsFilesystemShow.devices(two), ["/dev/sda1", "/dev/sda2"])
        XCTAssertThrowsError(try BtrfsFilesystemShow.devices(two + "\t*** Some devices missing\n")) {
            XCTAssertEqual($0 as? BtrfsFilesystemShow.Failure, .missingDevices)
        }
        XCTAssertThrowsError(try BtrfsFilesystemShow.devices("Label: none\n\tTotal devices 1\n")) {
            XCTAssertEqual($0 as? BtrfsFilesystemShow.Failure,
                           .report(BtrfsReportError("truncated output from 'btrfs filesystem show' command")))
        }
        XCTAssertThrowsError(try BtrfsFilesystemShow.devices("Label: none\n\tTotal devices 1\nsomething else\n")) {
            XCTAssertEqual($0 as? BtrfsFilesystemShow.Failure,
                           .report(BtrfsReportError("unrecognized line in output from 'btrfs filesystem show': something else")))
        }
    }

    func testCScanReadsAsSscanfDoes() {
        XCTAssertEqual(CScan.scan("  12 out of about 3", "%u out of about %u"), [12, 3])
        XCTAssertEqual(CScan.scan("-1", "%u"), [UInt64.max])
        XCTAssertEqual(CScan.scan("5 x", "%u y"), [5])
        XCTAssertEqual(CScan.scan("50% left", "%u%% left"), [50])
    }

    static func scrubCounters(values: [UInt64]) -> String {
        zip(BtrfsScrubStatus.names, values).map { "\t\($0): \($1)\n" }.joined()
    }
}
