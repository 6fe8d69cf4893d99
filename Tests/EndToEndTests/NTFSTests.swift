import Foundation
import XCTest

/// NTFS on our appliance as on libguestfs's stock one: a disk formatted and filled by the
/// stock appliance's mkntfs and ntfs-3g, read with libguestfs's tools, and the ntfs*
/// procedures (probe, fix, resize, clone out and in, cat by inode) run through real
/// guestfish on copies of it, with the same outputs and error texts.
final class NTFSTests: XCTestCase {
    func testToolsOnAnNTFSDiskMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try NTFSDisk.path(f)
        let probe = "guestfish --ro -a \(disk) run : available 'ntfs3g ntfsprogs' : vfs-type /dev/sda1"
            + " : ntfs-3g-probe true /dev/sda1 : ntfs-3g-probe false /dev/sda1 : ntfs-3g-probe false /dev/sda"
            + " : list-filesystems : mount-ro /dev/sda1 / : ls / : cat /Windows/System32/hello.txt : mounts"
        // No Windows registry on it, so no inspection: the tools are told the filesystem.
        for tool in ["virt-cat -a \(disk) -m /dev/sda1 /Windows/System32/hello.txt", "virt-ls -lR -a \(disk) -m /dev/sda1 /",
                     "virt-filesystems --all --long -a \(disk)", probe] {
            let (ours, stock) = try f.runOnBoth(tool)
            XCTAssertEqual(ours, stock, tool)
        }
        let ours = try f.runTool(probe, stock: false)
        XCTAssertTrue(ours.out.hasPrefix("ntfs\n0\n0\n"), ours.out)
        XCTAssertTrue(ours.out.contains("autoexec.bat\nhello from NTFS\n\n/dev/sda1\n"), ours.out)
    }

    /// ntfsfix, ntfsresize (refused on a volume ntfsfix marked for a check, then shrink and grow with force), set_label, the
    /// argument checks, a write through ntfs-3g, ntfscat_i of the $MFT, and ntfsclone's
    /// image restored onto a second disk: the same lines and errors on both appliances,
    /// the same bytes in the files they wrote. (ntfscat_i and set_label come first: once
    /// ntfsfix has marked the volume for a check, ntfscat and ntfslabel refuse it, on both.)
    func testNTFSProceduresMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let source = try NTFSDisk.path(f)
        var outputs: [String] = [], mfts: [Data] = [], clones: [Int] = []
        for stock in [false, true] {
            let name = stock ? "stock" : "ours"
            let disk = f.work + "/ntfs-\(name).img", blank = f.work + "/ntfs-blank-\(name).img"
            let clone = f.work + "/ntfs-\(name).clone", mft = f.work + "/ntfs-\(name).mft"
            try? FileManager.default.removeItem(atPath: disk)
            try FileManager.default.copyItem(atPath: source, toPath: disk)
            try Fixture.sh("rm -f \(blank) \(clone) \(mft) && truncate -s 64M \(blank)")
            // One script path for both: guestfish names it in error lines.
            let script = f.work + "/ntfs.fish"
            try Self.script(clone: clone, mft: mft).write(toFile: script, atomically: true, encoding: .utf8)
            let r = try f.runTool("guestfish -a \(disk) -a \(blank) -f \(script)", stock: stock)
            XCTAssertEqual(r.status, 0, "\(name): \(r.err)")
            outputs.append(r.out + r.err)
            mfts.append((try? Data(contentsOf: URL(fileURLWithPath: mft))) ?? Data())
            clones.append(((try? FileManager.default.attributesOfItem(atPath: clone))?[.size] as? Int) ?? 0)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertTrue(outputs[0].contains("written through ntfs-3g\n"), outputs[0])
        XCTAssertTrue(outputs[0].contains("WinData\n"), outputs[0])
        XCTAssertTrue(outputs[0].contains("size is zero or negative"), outputs[0])
        XCTAssertTrue(outputs[0].contains("inode must be >= 0"), outputs[0])
        // The $MFT's first record starts "FILE0"; both read the same records.
        XCTAssertEqual(mfts[0].prefix(5), Data("FILE0".utf8))
        XCTAssertEqual(mfts[0], mfts[1])
        XCTAssertGreaterThan(clones[0], 0)
    }

    static func script(clone: String, mft: String) -> String {
        """
        run
        ntfscat-i /dev/sda1 0 \(mft)
        set-label /dev/sda1 WinData
        vfs-label /dev/sda1
        ntfsfix /dev/sda1
        ntfsfix /dev/sda1 clearbadsectors:true
        -ntfscat-i /dev/sda1 -1 /dev/null
        -ntfsresize /dev/sda1 size:0
        -ntfsresize-size /dev/sda1 -5
        -ntfsfix /dev/sdb
        -ntfsresize /dev/sda1 size:40000000
        ntfsresize /dev/sda1 size:40000000 force:true
        ntfsresize /dev/sda1 force:true
        ntfsfix /dev/sda1
        mount /dev/sda1 /
        write /new.txt "written through ntfs-3g\\n"
        ls /
        umount-all
        ntfsclone-out /dev/sda1 \(clone) force:true
        part-disk /dev/sdb mbr
        ntfsclone-in \(clone) /dev/sdb1
        vfs-type /dev/sdb1
        mount-ro /dev/sdb1 /
        cat /new.txt
        cat /Windows/System32/hello.txt
        umount-all

        """
    }
}

/// A 64 MiB disk with one NTFS partition holding a small Windows-like tree, made once
/// per test run by the stock appliance (its mkntfs and ntfs-3g).
enum NTFSDisk {
    static let made = LockedPath()

    static func path(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let disk = f.work + "/ntfs.img"
        let script = """
            set -eu
            rm -f \(disk)
            guestfish -N \(disk)=disk:64M <<X
            part-disk /dev/sda mbr
            mkfs ntfs /dev/sda1
            mount /dev/sda1 /
            mkdir-p /Windows/System32/Config
            write /Windows/System32/hello.txt "hello from NTFS\\n"
            mkdir "/Program Files"
            touch /autoexec.bat
            X
            """
        let r = try Fixture.sh(script, environment: ["LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg",
                                                     "LIBGUESTFS_TMPDIR": f.work])
        guard r.status == 0 else { throw GuestImageError(reason: "the stock appliance could not build the NTFS disk: \(r.err)") }
        made.set(disk)
        return disk
    }
}
