@testable import GuestdCore
import GuestProtocol
import XCTest

/// The ldm group's handlers in-process with the host's ldmtool (reading only: scan and
/// show), the launch-time test for LDM metadata on disks laid out by sfdisk and sgdisk,
/// and the /dev/mapper listing of list_ldm_volumes and list_ldm_partitions.
final class LDMHandlerTests: InProcessDaemonTestCase {
    func testScanAndShowOnDisksWithoutLDM() throws {
        let image = try makeImage("ext4.img", size: 8 << 20, mkfs: "/usr/sbin/mkfs.ext4")
        XCTAssertEqual(try daemon.doLdmtoolScanDevices(devices: [image]), [])
        // A group no disk holds: ldmtool's own message, its exit status 1.
        assertError(try daemon.doLdmtoolDiskgroupName(diskgroup: "no-such-group"), "No such disk group: no-such-group")
        assertError(try daemon.doLdmtoolDiskgroupDisks(diskgroup: "g"), "No such disk group: g")
        assertError(try daemon.doLdmtoolVolumeType(diskgroup: "g", volume: "Volume1"), "No such disk group: g")
        assertError(try daemon.doLdmtoolVolumePartitions(diskgroup: "g", volume: "Volume1"), "No such disk group: g")
        // A device that cannot be opened: ldmtool warns and still exits 0 with no groups.
        XCTAssertEqual(try daemon.doLdmtoolScanDevices(devices: [base.path + "/missing"]), [])
    }

    func testLaunchLooksForLDMMetadataAsLibldmDoes() throws {
        let mbrLDM = base.path + "/mbr-ldm.img", mbrLinux = base.path + "/mbr-linux.img"
        let gptLDM = base.path + "/gpt-ldm.img", gptLinux = base.path + "/gpt-linux.img", blank = base.path + "/blank.img"
        try makeImages("""
            set -e
            for f in \(mbrLDM) \(mbrLinux) \(gptLDM) \(gptLinux) \(blank); do truncate -s 8M "$f"; done
            echo 'type=42' | sfdisk -q \(mbrLDM)
            echo 'type=83' | sfdisk -q \(mbrLinux)
            sgdisk -n 1:2048:+1M -t 1:5808C8AA-7E8F-42E0-85D2-E1E90434CFB3 -n 2:0:0 -t 2:AF9B60A0-1431-4F62-BC68-3311714A69AD \(gptLDM) >/dev/null
            sgdisk -n 1:2048:0 -t 1:8300 \(gptLinux) >/dev/null
            """)
        XCTAssertTrue(LDM.holdsMetadata(mbrLDM))
        XCTAssertTrue(LDM.holdsMetadata(gptLDM))
        XCTAssertFalse(LDM.holdsMetadata(mbrLinux))
        XCTAssertFalse(LDM.holdsMetadata(gptLinux))
        XCTAssertEqual(try Probe.partitions(gptLinux).type, "gpt", "the GPT without LDM is a GPT")
        XCTAssertFalse(LDM.holdsMetadata(blank))
        XCTAssertFalse(LDM.holdsMetadata(base.path + "/missing.img"))
    }

    func testMappedVolumesAndPartitionsSortedBytewise() throws {
        let mapper = base.path + "/mapper"
        try FileManager.default.createDirectory(atPath: mapper, withIntermediateDirectories: true)
        for name in ["control", "ldm_vol_b", "ldm_vol_B", "ldm_vol_a", "ldm_part_x", "vg-lv", "luks-1"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: mapper + "/" + name, contents: nil))
        }
        XCTAssertEqual(LDM.mapped("ldm_vol_", mapper: mapper), [mapper + "/ldm_vol_B", mapper + "/ldm_vol_a", mapper + "/ldm_vol_b"])
        XCTAssertEqual(LDM.mapped("ldm_part_", mapper: mapper), [mapper + "/ldm_part_x"])
        XCTAssertEqual(LDM.mapped("ldm_vol_", mapper: base.path + "/none"), [])
    }

    func testGroupsOnTheHost() throws {
        // ldm drives disks: like lvm2 and mdadm, only the appliance's daemon serves it.
        XCTAssertEqual(try daemon.doInternalFeatureAvailable(group: "ldm"), 1)
        XCTAssertEqual(try daemon.doInternalFeatureAvailable(group: "libyara"), dlopen("libyara.so.9", RTLD_NOW | RTLD_LOCAL) != nil ? 0 : 1)
    }
}
