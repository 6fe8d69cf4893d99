import Foundation
import XCTest

/// vfat, btrfs and xfs (made by the host's mkfs tools, filled without mounting) on one
/// GPT disk: probing, mounting, listing and reading give the same output on our appliance
/// as on the stock one, which also shows that guestd loads each filesystem's module (and
/// vfat's codepages) on demand; tar-out packs the same members from each.
final class FilesystemTypesTests: XCTestCase {
    /// The partitions, in order, with the host tool that makes each.
    static let filesystems: [(type: String, sizeMiB: Int)] = [("vfat", 64), ("btrfs", 200), ("xfs", 320)]

    static let tools = ["vfat": "mkfs.vfat", "btrfs": "mkfs.btrfs", "xfs": "mkfs.xfs"]

    func testVfatBtrfsXfsOnGPTMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let present = Self.filesystems.filter { access("/usr/sbin/" + Self.tools[$0.type]!, X_OK) == 0 }
        try XCTSkipIf(present.isEmpty, "no mkfs.vfat, mkfs.btrfs or mkfs.xfs on this host")
        let dir = f.work + "/fstypes"
        let disk = try Self.makeDisk(dir, present)

        // Each appliance packs every filesystem with tar-out into its own files: what
        // virt-tar-out runs, less its -i (it insists on an inspected operating system).
        var runs: [(status: Int32, out: String, err: String)] = []
        for side in ["ours", "stock"] {
            let script = "\(dir)/fstypes-\(side).gf"
            try Self.script(present, tarOut: "\(dir)/\(side)").write(toFile: script, atomically: true, encoding: .utf8)
            runs.append(try f.runTool("guestfish --ro -a \(disk) -f \(script)", stock: side == "stock"))
        }
        let (ours, stock) = (runs[0], runs[1])
        XCTAssertEqual(ours.status, 0, ours.err)
        XCTAssertEqual(stock.status, 0, stock.err)
        XCTAssertEqual(ours.out, stock.out)
        for (i, fs) in present.enumerated() {
            XCTAssertTrue(stock.out.contains("\(fs.type)\nLABEL\(i + 1)\n"), stock.out)
            let lists = try ["ours", "stock"].map { side in
                try Fixture.sh("tar -tf \(dir)/\(side)-\(i + 1).tar").out.split(separator: "\n").map(String.init).sorted()
            }
            XCTAssertEqual(lists[0], lists[1], "tar-out of /dev/sda\(i + 1) (\(fs.type))")
            XCTAssertTrue(lists[0].contains("./sub/inner.txt"), "\(lists[0])")
        }
    }

    /// One file per filesystem, each made alone with its tool and placed into a GPT
    /// disk at its partition's offset.
    static func makeDisk(_ dir: String, _ present: [(type: String, sizeMiB: Int)]) throws -> String {
        try Fixture.sh("rm -rf \(dir) && mkdir -p \(dir)/tree/sub && printf 'hello from %s\\n' tree > \(dir)/tree/hello.txt"
                       + " && echo inner > \(dir)/tree/sub/inner.txt")
        let disk = dir + "/gpt.img"
        let total = present.reduce(2) { $0 + $1.sizeMiB }
        var table = "label: gpt\n", offset = 1
        for fs in present {
            table += "start=\(offset * 2048), size=\((fs.sizeMiB - 1) * 2048)\n"
            offset += fs.sizeMiB
        }
        try check(Fixture.sh("truncate -s \(total)M \(disk) && printf '\(table)' | sfdisk -q \(disk)"))
        var start = 1
        for (i, fs) in present.enumerated() {
            let img = "\(dir)/p\(i + 1).img"
            let label = "LABEL\(i + 1)"
            try check(Fixture.sh("truncate -s \(fs.sizeMiB - 1)M \(img)"))
            switch fs.type {
            case "vfat":
                try check(Fixture.sh("mkfs.vfat -n \(label) \(img) && mcopy -s -i \(img) \(dir)/tree/hello.txt \(dir)/tree/sub ::"))
            case "btrfs":
                try check(Fixture.sh("mkfs.btrfs -q -L \(label) --rootdir \(dir)/tree \(img)"))
            default:
                let proto = """
                /dev/null
                0 0
                d--755 0 0
                hello.txt ---644 0 0 \(dir)/tree/hello.txt
                sub d--755 0 0
                inner.txt ---644 0 0 \(dir)/tree/sub/inner.txt
                $
                $

                """
                try proto.write(toFile: dir + "/xfs.proto", atomically: true, encoding: .utf8)
                try check(Fixture.sh("mkfs.xfs -q -L \(label) -p \(dir)/xfs.proto \(img)"))
            }
            try check(Fixture.sh("dd if=\(img) of=\(disk) bs=1M seek=\(start) conv=notrunc,sparse status=none && rm \(img)"))
            start += fs.sizeMiB
        }
        return disk
    }

    static func check(_ r: (status: Int32, out: String, err: String)) throws {
        guard r.status == 0 else { throw NSError(domain: "sh", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.err]) }
    }

    static func script(_ present: [(type: String, sizeMiB: Int)], tarOut: String) -> String {
        var lines = ["run", "list-partitions", "part-get-parttype /dev/sda", "part-list /dev/sda", "list-filesystems"]
        for i in present.indices {
            let p = "/dev/sda\(i + 1)"
            lines += ["vfs-type \(p)", "vfs-label \(p)", "mount-ro \(p) /", "ls /", "cat /hello.txt", "ls /sub",
                      "cat /sub/inner.txt", "is-dir /sub", "filesize /sub/inner.txt", "tar-out / \(tarOut)-\(i + 1).tar", "umount-all"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
