import StorageText
import XCTest

final class XFSInfoTests: XCTestCase {
    // xfsprogs 6.1's xfs_info of `mkfs.xfs -L lbl -d su=64k,sw=2 -n version=ci -i size=1024`
    // on a 1 GiB file: stripe units in both the data and the log section.
    let striped = """
        meta-data=b.img                  isize=1024   agcount=8, agsize=32752 blks
                 =                       sectsz=512   attr=2, projid32bit=1
                 =                       crc=1        finobt=1, sparse=1, rmapbt=0
                 =                       reflink=1    bigtime=1 inobtcount=1 nrext64=0
        data     =                       bsize=4096   blocks=262016, imaxpct=25
                 =                       sunit=16     swidth=32 blks
        naming   =version 2              bsize=4096   ascii-ci=1, ftype=1
        log      =internal log           bsize=4096   blocks=16384, version=2
                 =                       sectsz=512   sunit=16 blks, lazy-count=1
        realtime =none                   extsz=4096   blocks=0, rtextents=0

        """

    func testEveryFieldOfAReportGoesToItsSection() throws {
        let i = try XFSInfo.parse(striped)
        XCTAssertEqual(i.mntpoint, "b.img")
        XCTAssertEqual([i.inodesize, i.agcount, i.agsize, i.sectsize, i.attr], [1024, 8, 32752, 512, 2])
        XCTAssertEqual([i.blocksize, i.imaxpct, i.sunit, i.swidth], [4096, 25, 16, 32])
        XCTAssertEqual(i.datablocks, 262016)
        XCTAssertEqual([i.dirversion, i.dirblocksize, i.cimode], [2, 4096, 1])
        XCTAssertEqual(i.logname, "internal")
        XCTAssertEqual([i.logblocksize, i.logblocks, i.logversion, i.logsectsize, i.logsunit, i.lazycount], [4096, 16384, 2, 512, 16, 1])
        XCTAssertEqual(i.rtname, "none")
        XCTAssertEqual([i.rtblocks, i.rtextents], [0, 0])
        // The real parser has no key for extsz: the field stays -1.
        XCTAssertEqual(i.rtextsize, UInt32.max)
    }

    // The older layout the real daemon's comment shows (no crc line, isize=256, a
    // mounted filesystem's device name).
    func testTheOlderLayoutWithoutCRCLine() throws {
        let i = try XFSInfo.parse("""
            meta-data=/dev/sda1              isize=256    agcount=4, agsize=6392 blks
                     =                       sectsz=512   attr=2
            data     =                       bsize=4096   blocks=25568, imaxpct=25
                     =                       sunit=0      swidth=0 blks
            naming   =version 2              bsize=4096   ascii-ci=0
            log      =internal               bsize=4096   blocks=1200, version=2
                     =                       sectsz=512   sunit=0 blks, lazy-count=1
            realtime =none                   extsz=4096   blocks=0, rtextents=0
            """)
        XCTAssertEqual(i.mntpoint, "/dev/sda1")
        XCTAssertEqual([i.inodesize, i.agsize, i.logblocks, i.cimode, i.sunit, i.logsunit], [256, 6392, 1200, 0, 0, 0])
        XCTAssertEqual(i.datablocks, 25568)
    }

    func testMissingFieldsStayAllOnesAndNamesEmpty() throws {
        let i = try XFSInfo.parse("data     =                       bsize=4096   blocks=10\n")
        XCTAssertEqual(i.blocksize, 4096)
        XCTAssertEqual(i.datablocks, 10)
        XCTAssertEqual(i.mntpoint, "")
        XCTAssertEqual(i.logname, "")
        XCTAssertEqual([i.inodesize, i.logblocksize, i.dirblocksize, i.sectsize], [UInt32.max, UInt32.max, UInt32.max, UInt32.max])
        XCTAssertEqual(i.rtblocks, UInt64.max)
        XCTAssertEqual(try XFSInfo.parse(""), XFSInfo())
    }

    // Shared keys before any section line (or in a section that has no such field) are
    // dropped, as the real parser drops them.
    func testSharedKeysNeedTheirSection() throws {
        let i = try XFSInfo.parse("         =  bsize=512 sectsz=1024 blocks=7\nmeta-data=x bsize=2048 blocks=9\n")
        XCTAssertEqual(i.blocksize, UInt32.max)
        XCTAssertEqual(i.sectsize, UInt32.max)
        XCTAssertEqual(i.datablocks, UInt64.max)
        XCTAssertEqual(i.mntpoint, "x")
    }

    func testAValueThatIsNotANumberIsTheDaemonsError() {
        XCTAssertThrowsError(try XFSInfo.parse("meta-data=/dev/sda1  isize=big agcount=4")) { error in
            XCTAssertEqual((error as? XFSInfo.ParseError)?.message, "cannot parse numeric field from xfs_info: big")
        }
        // An empty value (the key at the end of the line) is not a number either.
        XCTAssertThrowsError(try XFSInfo.parse("data = imaxpct=")) { error in
            XCTAssertEqual((error as? XFSInfo.ParseError)?.message, "cannot parse numeric field from xfs_info: ")
        }
    }

    // sscanf("%u"): trailing text after the digits is ignored; a minus sign wraps.
    func testNumbersScanAsPercentU() throws {
        XCTAssertEqual(try XFSInfo.parse("meta-data=d isize=512blks agcount=-1").inodesize, 512)
        XCTAssertEqual(try XFSInfo.parse("meta-data=d isize=512blks agcount=-1").agcount, UInt32.max)
    }
}
