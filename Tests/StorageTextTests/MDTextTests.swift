import StorageText
import XCTest

final class MDTextTests: XCTestCase {
    // /proc/mdstat with two arrays, a failed and a spare member, and a recovery line.
    let mdstat = """
        Personalities : [raid1] [raid6] [raid5] [raid4]
        md126 : active raid5 sdd1[3] sdc1[1] sdb1[0]
              1046528 blocks super 1.2 level 5, 512k chunk, algorithm 2 [3/2] [UU_]
              [=>...................]  recovery =  8.1% (42752/523264) finish=0.1min speed=42752K/sec

        md127 : active raid1 sdb2[1](F) sda2[0] sdc2[2](S)
              523264 blocks super 1.2 [2/1] [U_]

        unused devices: <none>

        """

    func testMembersOfAnArrayInFileOrderWithFlags() throws {
        XCTAssertEqual(try MDStat.members(of: "/dev/md127", in: mdstat), [
            .init(device: "/dev/sdb2", index: 1, flags: "F"),
            .init(device: "/dev/sda2", index: 0, flags: ""),
            .init(device: "/dev/sdc2", index: 2, flags: "S"),
        ])
        XCTAssertEqual(try MDStat.members(of: "md126", in: mdstat).map(\.device), ["/dev/sdd1", "/dev/sdc1", "/dev/sdb1"])
    }

    func testAnArrayNotListedAndANamePrefixAreNotFound() {
        XCTAssertThrowsError(try MDStat.members(of: "/dev/md0", in: mdstat)) {
            XCTAssertEqual(($0 as? MDStat.ParseError)?.message, "md0: MD device not found")
        }
        // md12 is a prefix of md126 and md127: the line must be "md12 : ".
        XCTAssertThrowsError(try MDStat.members(of: "/dev/md12", in: mdstat))
    }

    func testBadMemberWordsAreTheDaemonsErrors() {
        XCTAssertThrowsError(try MDStat.parseMembers("active raid1 [0] sda1[1]")) {
            XCTAssertEqual(($0 as? MDStat.ParseError)?.message, "device entry is too short: [0]")
        }
        XCTAssertThrowsError(try MDStat.parseMembers("active raid1 sda1[x]")) {
            XCTAssertEqual(($0 as? MDStat.ParseError)?.message, "not a device number: x")
        }
        // "](" before "[" is not a member; scanf's %i reads 0x10 as 16 and 010 as 8.
        XCTAssertEqual(try MDStat.parseMembers("a]b[ sda1[0x10] sdb1[010](W)(R)\n"), [
            .init(device: "/dev/sda1", index: 16, flags: ""), .init(device: "/dev/sdb1", index: 8, flags: "WR"),
        ])
    }

    func testDetailKeysLoseTheirPrefixAndCase() {
        let out = """
            MD_LEVEL=raid1
            MD_DEVICES=2
            MD_METADATA=1.2
            MD_UUID=cfa81b59:b6cfbd53:3f02085b:58f4a2e1
            MD_NAME=localhost.localdomain:0
            MD_DEVICE_dev_sda1_ROLE=0
            MD_DEVICE_dev_sda1_DEV=/dev/sda1
            # a comment
            X=a=b
            NOVALUE

            """
        let pairs = MDDetail.parse(out)
        XCTAssertEqual(pairs.map(\.key), ["level", "devices", "metadata", "uuid", "name", "device_dev_sda1_role",
                                          "device_dev_sda1_dev", "x", "novalue"])
        XCTAssertEqual(pairs.map(\.value), ["raid1", "2", "1.2", "cfa81b59:b6cfbd53:3f02085b:58f4a2e1",
                                            "localhost.localdomain:0", "0", "/dev/sda1", "a=b", ""])
    }

    func testUUIDsNormaliseToTheirDigits() {
        XCTAssertEqual(MDUUID.normalize("cfa81b59:b6cfbd53:3f02085b:58f4a2e1"), "cfa81b59b6cfbd533f02085b58f4a2e1")
        XCTAssertEqual(MDUUID.normalize("cfa81b59-b6cf-bd53-3f02-085b58f4a2e1"), "cfa81b59b6cfbd533f02085b58f4a2e1")
        XCTAssertNil(MDUUID.normalize("cfa81b59:b6cfbd53:3f02085b"))
        XCTAssertNil(MDUUID.normalize("cfa81b59:b6cfbd53:3f02085b:58f4a2eg"))
    }

    func testMdadmConfArraysMapDeviceNamesToUUIDs() {
        let conf = """
            # mdadm.conf
            DEVICE partitions
            HOMEHOST <system>
            ARRAY /dev/md0 metadata=1.2 name=host:0 UUID=cfa81b59:b6cfbd53:3f02085b:58f4a2e1
            array /dev/md/boot level=raid1
               uuid=00000000:11111111:22222222:33333333   # continued
            ARRAY /dev/md2 UUID=bad
            ARRAY /dev/md3 /dev/md4 UUID=44444444:55555555:66666666:77777777
            MAILADDR root
            """
        let map = MDAdmConf.deviceUUIDs(in: conf)
        XCTAssertEqual(map.map(\.device), ["/dev/md0", "/dev/md/boot"])
        XCTAssertEqual(map.map(\.uuid), ["cfa81b59b6cfbd533f02085b58f4a2e1", "00000000111111112222222233333333"])
    }
}
