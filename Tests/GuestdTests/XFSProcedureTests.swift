import Foundation
@testable import GuestdCore
import GuestProtocol
import XCTest

/// The xfs and sleuthkit handlers in process, on an XFS image file in the sysroot (the
/// host's xfsprogs read a file as they read a device), and their argument checks, which
/// come before any tool runs.
final class XFSProcedureTests: InProcessDaemonTestCase {
    func testXfsInfoAndRepairOfAnImageFile() throws {
        let image = try makeImage("xfs.img", size: 320 << 20, mkfs: "/usr/sbin/mkfs.xfs")

        let info = try daemon.doXfsInfo(pathordevice: "/xfs.img")
        XCTAssertEqual(info["xfs_mntpoint"], .string(ByteString(image)))
        XCTAssertEqual(info["xfs_blocksize"], .int(4096))
        XCTAssertEqual(info["xfs_datablocks"], .int(320 << 8))
        XCTAssertEqual(info["xfs_logname"], .string("internal"))
        XCTAssertEqual(info["xfs_rtextsize"], .int(Int64(UInt32.max)))
        // A clean filesystem: xfs_repair -n -f finds nothing (status 0).
        XCTAssertEqual(try daemon.doXfsRepair(device: "/xfs.img", forcelogzero: nil, nomodify: true, noprefetch: nil,
                                              forcegeometry: nil, maxmem: nil, ihashsize: nil, bhashsize: nil,
                                              agstride: nil, logdev: nil, rtdev: nil), 0)
        // Not XFS: xfs_info's own words are the error.
        XCTAssertTrue(FileManager.default.createFile(atPath: base.path + "/zero.img", contents: Data(count: 1 << 20)))
        XCTAssertThrowsError(try daemon.doXfsInfo(pathordevice: "/zero.img")) { error in
            let text = (error as? CallError)?.message.description ?? ""
            XCTAssertTrue(text.contains("is not a valid XFS filesystem"), text)
        }
    }

    func testNegativeSizesAndBadRangesAreRefusedFirst() {
        assertError(try daemon.doXfsGrowfs(path: "/", datasec: true, logsec: nil, rtsec: nil, datasize: -1, logsize: nil,
                                           rtsize: nil, rtextsize: nil, maxpct: nil), "datasize must be >= 0")
        assertError(try daemon.doXfsGrowfs(path: "/", datasec: nil, logsec: nil, rtsec: nil, datasize: nil, logsize: nil,
                                           rtsize: nil, rtextsize: -5, maxpct: nil), "rtextsize must be >= 0")
        assertError(try daemon.doXfsGrowfs(path: "/", datasec: nil, logsec: nil, rtsec: nil, datasize: nil, logsize: nil,
                                           rtsize: nil, rtextsize: nil, maxpct: -1), "maxpct must be >= 0")
        assertError(try daemon.doXfsRepair(device: "/x", forcelogzero: nil, nomodify: nil, noprefetch: nil, forcegeometry: nil,
                                           maxmem: nil, ihashsize: -1, bhashsize: nil, agstride: nil, logdev: nil, rtdev: nil),
                    "ihashsize must be >= 0")
        assertError(try daemon.doXfsAdmin(device: "/dev/sda1", extunwritten: nil, imgfile: nil, v2log: nil, projid32bit: nil,
                                          lazycounter: nil, label: "thirteen-char", uuid: nil),
                    "thirteen-char: xfs labels are limited to 12 bytes")
        assertError(try daemon.doDownloadInode(device: "/dev/sda1", inode: -1), "inode must be >= 0")
        assertError(try daemon.doDownloadBlocks(device: "/dev/sda1", start: -1, stop: 5, unallocated: nil),
                    "starting address must be greater than zero")
        assertError(try daemon.doDownloadBlocks(device: "/dev/sda1", start: 5, stop: 5, unallocated: nil),
                    "stopping address must greater than starting address")
    }
}
