import Foundation
import XCTest

/// Calls that libguestfs's own test files make and that the tools lean on — fallocate,
/// fallocate64, mount_loop (tests/protocol/test-cancellation-download-librarycancels.sh,
/// tests/regressions/rhbz1011907-1165785.sh), vfs_minimum_size (virt-resize --shrink) and
/// the swap calls (mkswap and swapon/swapoff by device, file, label and UUID) — through Debian's guestfish on a scratch disk, on ours and on the stock appliance:
/// the same output and the same error lines.
final class SmallCallsEndToEndTests: XCTestCase {
    func testFallocateMountLoopSwapAndMinimumSizeMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let loopImage = f.work + "/small-calls-loop.img"
        try Fixture.sh("rm -rf \(f.work)/loop-content && mkdir \(f.work)/loop-content && echo inside > \(f.work)/loop-content/in-loop"
            + " && mkfs.ext3 -q -F -d \(f.work)/loop-content \(loopImage) 4M")
        let scratch = f.work + "/small-calls-scratch.img"
        let script = f.work + "/small-calls.gf"
        try """
            sparse \(scratch) 64M
            run
            part-disk /dev/sdb mbr
            mkswap /dev/sdb1 label:swapit uuid:01234567-89ab-cdef-0123-456789abcdef
            vfs-type /dev/sdb1
            vfs-label /dev/sdb1
            vfs-uuid /dev/sdb1
            swapon-label swapit
            swapoff-label swapit
            swapon-uuid 01234567-89ab-cdef-0123-456789abcdef
            swapoff-uuid 01234567-89ab-cdef-0123-456789abcdef
            swapon-device /dev/sdb1
            swapoff-device /dev/sdb1
            mkswap-L other /dev/sdb1
            vfs-label /dev/sdb1
            mkswap-U 11111111-2222-3333-4444-555555555555 /dev/sdb1
            vfs-uuid /dev/sdb1
            -mkswap /dev/sdb1 label:seventeen-bytes-x
            -swapon-label seventeen-bytes-x
            mkfs ext4 /dev/sdb1
            mount /dev/sdb1 /
            fallocate64 /f 1000000
            filesize /f
            fallocate /g 1000
            filesize /g
            -fallocate64 /nodir/x 1
            -fallocate /g -1
            upload \(loopImage) /loop.img
            mkdir /mnt
            mount-loop /loop.img /mnt
            cat /mnt/in-loop
            umount /mnt
            -mount-loop /nothing.img /mnt
            fill 0 1048576 /swapfile
            mkswap-file /swapfile
            swapon-file /swapfile
            swapoff-file /swapfile
            -swapon-file /nothing
            vfs-minimum-size /dev/sdb1
            umount /
            vfs-minimum-size /dev/sdb1
            -vfs-minimum-size /dev/sda
            """.write(toFile: script, atomically: true, encoding: .utf8)

        try Fixture.sh("rm -f \(scratch)")
        let ours = try f.runGuestfish(script: script, stock: false)
        try Fixture.sh("rm -f \(scratch)")
        let stock = try f.runGuestfish(script: script, stock: true)
        XCTAssertEqual(ours.status, 0, ours.err)
        XCTAssertEqual(stock.status, 0, stock.err)
        XCTAssertEqual(ours.out, stock.out)
        XCTAssertTrue(stock.out.hasPrefix("swap\nswapit\n01234567-89ab-cdef-0123-456789abcdef\nother\n11111111-2222-3333-4444-555555555555\n1000000\n1000\ninside\n"), stock.out)
        XCTAssertEqual(GuestfishScriptTests.errorLines(ours.err), GuestfishScriptTests.errorLines(stock.err))
        XCTAssertEqual(GuestfishScriptTests.errorLines(stock.err).count, 7, stock.err)
    }

    /// A disk added with iface:ide sits on the PIIX IDE controller
    /// (tests/regressions/rhbz690819.sh): it is /dev/sda, and mkfs on it never reaches
    /// the appliance's own root.
    func testADiskOnTheIDEControllerIsTheFirstDisk() throws {
        let f = try Fixture.get()
        let disk = f.work + "/ide-disk.img"
        let script = f.work + "/ide.gf"
        try """
            add \(disk) iface:ide format:raw
            run
            list-devices
            mkfs ext3 /dev/sda
            mount /dev/sda /
            touch /on-ide
            ls /
            """.write(toFile: script, atomically: true, encoding: .utf8)
        var outputs: [String] = []
        for stock in [false, true] {
            try Fixture.sh("rm -f \(disk) && truncate -s 100M \(disk)")
            let r = try f.runTool("guestfish -f \(script)", stock: stock)
            XCTAssertEqual(r.status, 0, r.err)
            outputs.append(r.out)
        }
        XCTAssertEqual(outputs[0], "/dev/sda\nlost+found\non-ide\n")
        // The stock appliance lists /dev/sda twice here (its own root, a SCSI disk the
        // kernel names after the IDE one, is translated to the same name); what it
        // leaves on the disk is the same.
        XCTAssertTrue(outputs[1].hasSuffix("/dev/sda\nlost+found\non-ide\n"), outputs[1])
    }
}
