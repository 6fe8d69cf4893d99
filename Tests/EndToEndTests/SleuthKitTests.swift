import Foundation
import XCTest

/// download_inode and download_blocks (icat, blkls), filesystem_walk and find_inode
/// (libtsk) on an unmounted ext4: the same bytes, entries and errors on ours as on the
/// stock appliance.
final class SleuthKitTests: XCTestCase {
    func testIcatAndBlklsDownloadsMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let w = f.work + "/sleuthkit"
        let make = """
            set -eu
            rm -rf \(w); mkdir -p \(w); truncate -s 64M \(w)/disk.img
            \(f.productsDir)/appliance run -a \(w)/disk.img -- part-disk /dev/sda mbr : mkfs ext4 /dev/sda1 \
              : mount /dev/sda1 / : write /hello "hello from inode twelve" : mkdir /dir : write /dir/other "second file"
            """
        let made = try Fixture.sh(make, environment: ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir])
        XCTAssertEqual(made.status, 0, made.err)
        var outputs: [String] = []
        for side in ["ours", "stock"] {
            let o = "\(w)/\(side)"
            let lines = [
                "run", "feature-available sleuthkit", "download-inode /dev/sda1 12 \(o)-inode",
                "download-blocks /dev/sda1 0 32 \(o)-blocks", "download-blocks /dev/sda1 0 16383 \(o)-unalloc unallocated:true",
                "download-blocks /dev/sda1 0 16383 \(o)-unalloc-false unallocated:false",
                "-download-inode /dev/sda1 -1 \(o)-x", "-download-blocks /dev/sda1 -1 4 \(o)-x",
                "-download-blocks /dev/sda1 5 5 \(o)-x", "-download-inode /dev/sda1 999999 \(o)-x",
                // libtsk: every entry with its times, flags and links; one inode's names.
                "feature-available libtsk", "filesystem-walk /dev/sda1", "find-inode /dev/sda1 12", "find-inode /dev/sda1 2",
                "-filesystem-walk /dev/sda",
            ]
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: "\(o).script"))
            let r = try f.runTool("guestfish --ro -a \(w)/disk.img -f \(o).script", stock: side == "stock")
            XCTAssertEqual(r.status, 0, r.err)
            outputs.append((r.out + r.err).replacingOccurrences(of: o, with: "OUT"))
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertTrue(outputs[0].hasPrefix("true\n"), outputs[0])
        for expected in ["true\n[0] = {\n  tsk_inode: 2\n  tsk_type: d\n", "  tsk_name: hello\n", "  tsk_name: dir/other\n",
                         "  tsk_name: lost+found\n", "filesystem_walk: tsk_fs_open_img: "] {
            XCTAssertTrue(outputs[0].contains(expected), "\(expected) not in:\n\(outputs[0])")
        }
        XCTAssertTrue(outputs[0].contains("download_inode: inode must be >= 0"), outputs[0])
        XCTAssertTrue(outputs[0].contains("download_blocks: starting address must be greater than zero"), outputs[0])
        XCTAssertTrue(outputs[0].contains("download_blocks: stopping address must greater than starting address"), outputs[0])
        for name in ["inode", "blocks", "unalloc", "unalloc-false"] {
            let ours = try Data(contentsOf: URL(fileURLWithPath: "\(w)/ours-\(name)"))
            let stock = try Data(contentsOf: URL(fileURLWithPath: "\(w)/stock-\(name)"))
            XCTAssertEqual(ours, stock, name)
        }
        XCTAssertEqual(try String(contentsOfFile: "\(w)/ours-inode", encoding: .utf8), "hello from inode twelve")
        // blkls -e 0-32: every unit, the superblock's among them (1 KiB units on this size).
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: "\(w)/ours-blocks")).count, 33 * 1024)
    }
}
