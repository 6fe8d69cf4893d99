import Foundation
import XCTest

/// The xfs group and XFS labels, UUIDs and sizes through real guestfish on blank disks:
/// the same output and errors on ours as on the stock appliance (Debian's libguestfs-xfs
/// puts xfsprogs there).
final class XFSTests: XCTestCase {
    static let lines = [
        "run", "part-init /dev/sda mbr", "part-add /dev/sda p 2048 1050623", "mkfs xfs /dev/sda1", "vfs-type /dev/sda1",
        "feature-available xfs", "xfs-info /dev/sda1",
        // Labels and UUIDs: xfs_admin -L / -U, with the real daemon's refusals.
        "set-label /dev/sda1 XFSLABEL", "vfs-label /dev/sda1",
        "set-uuid /dev/sda1 01234567-89ab-cdef-0123-456789abcdef", "vfs-uuid /dev/sda1",
        "-set-label /dev/sda1 ---", "-set-label /dev/sda1 thirteen-char", "-set-uuid /dev/sda1 nil",
        "-set-uuid /dev/sda1 generate", "set-uuid-random /dev/sda1",
        "xfs-admin /dev/sda1 label:OTHER lazycounter:true", "vfs-label /dev/sda1",
        "xfs-admin /dev/sda1 projid32bit:true v2log:true extunwritten:true", "-xfs-admin /dev/sda1 label:0123456789abc",
        // Repair: the exit status is the answer; negative sizes are refused.
        "xfs-repair /dev/sda1 nomodify:true",
        "xfs-repair /dev/sda1 noprefetch:true maxmem:64 ihashsize:1024 bhashsize:1024 agstride:2",
        "-xfs-repair /dev/sda1 maxmem:-1", "-xfs-repair /dev/sda1 agstride:-1",
        // Mounted: xfs_info by path or device, the minimum size, what a mount refuses.
        "mount /dev/sda1 /", "xfs-info /", "vfs-minimum-size /dev/sda1", "-xfs-admin /dev/sda1 label:MOUNTED",
        "-xfs-growfs / datasize:-1", "-xfs-growfs / maxpct:-1", "xfs-repair /dev/sda1", "umount /",
        // Grown into a bigger partition.
        "part-resize /dev/sda 1 -1", "mount /dev/sda1 /", "xfs-growfs / datasec:true", "xfs-info /",
        "vfs-minimum-size /dev/sda1", "-xfs-growfs / datasize:100", "xfs-growfs / maxpct:30", "xfs-info /", "umount-all",
        // And on a logical volume grown under it.
        "pvcreate /dev/sdb", "vgcreate VG /dev/sdb", "lvcreate LV VG 320", "mkfs xfs /dev/VG/LV", "lvresize /dev/VG/LV 400",
        "mount /dev/VG/LV /", "xfs-growfs / datasec:true", "xfs-info /dev/VG/LV", "umount-all",
        // Not XFS.
        "-xfs-info /dev/sda", "-xfs-admin /dev/sda label:x", "xfs-repair /dev/sda nomodify:true",
    ]

    func testXFSProceduresOnBlankDisksMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let w = f.work + "/xfs-blank"
        func run(stock: Bool) throws -> String {
            let made = try Fixture.sh("rm -rf \(w); mkdir -p \(w); truncate -s 1G \(w)/1.img \(w)/2.img")
            XCTAssertEqual(made.status, 0, made.err)
            try Data((Self.lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: w + "/script"))
            let r = try f.runTool("guestfish -a \(w)/1.img -a \(w)/2.img -f \(w)/script", stock: stock)
            XCTAssertEqual(r.status, 0, r.err)
            return r.out + r.err
        }
        var outputs = [try run(stock: false), try run(stock: true)]
        // Under load the stock appliance's kernel may number its own root disk first and
        // name the first disk /dev/sdb in xfs_info's report and in errors: repeated once.
        if outputs[1].hasPrefix("xfs\ntrue\nxfs_mntpoint: /dev/sdb1\n") { outputs[1] = try run(stock: true) }
        let ours = outputs[0]
        XCTAssertTrue(ours.hasPrefix("xfs\ntrue\nxfs_mntpoint: /dev/sda1\nxfs_inodesize: 512\n"), ours)
        for expected in ["XFSLABEL\n01234567-89ab-cdef-0123-456789abcdef\n", "set_label: xfs: invalid new label",
                         "thirteen-char: xfs labels are limited to 12 bytes", "set_uuid: xfs: invalid new UUID", "OTHER\n",
                         "xfs_repair: agstride must be >= 0", "xfs_datablocks: 131072\n", "536870912\n",
                         "xfs_datablocks: 261888\n", "1072693248\n", "xfs_imaxpct: 30\n", "xfs_datablocks: 102400\n",
                         "/dev/sda1 contains a mounted filesystem", "/dev/sda is not a valid XFS filesystem"] {
            XCTAssertTrue(ours.contains(expected), "\(expected) not in:\n\(ours)")
        }
        XCTAssertEqual(ours, outputs[1])
    }

    /// virt-resize --expand of an XFS partition (it grows the filesystem with xfs_growfs)
    /// into a bigger disk gives the same filesystems on both appliances.
    func testVirtResizeExpandsXFSLikeTheStockAppliance() throws {
        let f = try Fixture.get()
        let w = f.work + "/xfs-resize"
        let make = """
            set -eu
            rm -rf \(w); mkdir -p \(w); truncate -s 1G \(w)/src.img
            \(f.productsDir)/appliance run -a \(w)/src.img -- part-init /dev/sda mbr : part-add /dev/sda p 2048 1050623 \
              : mkfs xfs /dev/sda1 label:grow : mount /dev/sda1 / : write /hello "hi there"
            """
        let made = try Fixture.sh(make, environment: ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir])
        XCTAssertEqual(made.status, 0, made.err)
        var listings: [String] = []
        for side in ["ours", "stock"] {
            let dst = "\(w)/\(side).img"
            let sized = try Fixture.sh("truncate -s 2G \(dst)")
            XCTAssertEqual(sized.status, 0, sized.err)
            let resize = try f.runTool("virt-resize --quiet --expand /dev/sda1 \(w)/src.img \(dst)", stock: side == "stock")
            XCTAssertEqual(resize.status, 0, resize.err)
            let (ours, stock) = try f.runOnBoth("virt-filesystems --all --long -a \(dst)")
            XCTAssertEqual(ours, stock, dst)
            let cat = try f.runTool("guestfish --ro -a \(dst) -m /dev/sda1 cat /hello", stock: false)
            XCTAssertEqual(cat.out, "hi there\n", cat.err)
            listings.append(ours)
        }
        XCTAssertEqual(listings[0], listings[1])
        // Grown from 512 MiB to what the 2 GiB disk's partition holds.
        XCTAssertTrue(listings[0].contains("/dev/sda1  filesystem  xfs  grow   -    2078146560  -\n"), listings[0])
    }
}
