import Foundation
import XCTest

/// The libguestfs tools that inspect and change guests, run by Debian's real tools on our
/// appliance and on libguestfs's stock one, on an installed Debian 12 with one MBR ext4
/// partition (DebianGuestDisk): what they print, and the images they leave.
final class ChangingToolsTests: XCTestCase {
    /// virt-inspector, virt-log (the guest's systemd journal), virt-alignment-scan and
    /// virt-diff (of the small hand-made guest and an edited copy) print the same on both
    /// appliances.
    /// virt-diff reports "changed: st_dev" for every file when the kernel numbered the two
    /// disks the other way round in its boot (the stock appliance's does, on a busy host):
    /// such a "- X", "+ X", "# changed: st_dev" triple says nothing about the files.
    static func withoutDeviceNumberChanges(_ text: String) -> String {
        let lines = text.components(separatedBy: "\n")
        var out: [String] = [], i = 0
        while i < lines.count {
            if i + 2 < lines.count, lines[i].hasPrefix("- "), lines[i + 1] == "+ " + lines[i].dropFirst(2),
               lines[i + 2] == "# changed: st_dev" {
                i += 3
                continue
            }
            out.append(lines[i])
            i += 1
        }
        return out.joined(separator: "\n")
    }

    func testInspectorLogAlignmentAndDiffMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try DebianGuestDisk.path(f)
        // virt-diff stats every file of both guests: the small guest keeps it short.
        let small = try CustomizableGuestDisk.path(f), other = f.work + "/tools-other.img"
        try Fixture.sh("cp --sparse=always \(small) \(other)")
        let edit = try f.runTool("virt-edit -a \(other) /etc/hostname -e s/oldhost/otherhost/", stock: false)
        XCTAssertEqual(edit.status, 0, edit.err)
        let inspector = "virt-inspector -a \(disk)", log = "virt-log -a \(disk)", diff = "virt-diff -a \(small) -A \(other)"
        var printed: [String: String] = [:]
        for tool in [inspector, log, "virt-alignment-scan -a \(disk)", diff] {
            let (ours, stock) = try f.runOnBoth(tool)
            XCTAssertEqual(Self.withoutDeviceNumberChanges(ours), Self.withoutDeviceNumberChanges(stock), tool)
            printed[tool] = ours
        }
        let xml = printed[inspector] ?? ""
        XCTAssertTrue(xml.contains("<hostname>tooldeb</hostname>"), xml)
        XCTAssertTrue(xml.contains("<name>base-files</name>"), xml)
        // The icon: libguestfs checks the logo with the file procedure before taking it.
        XCTAssertTrue(xml.contains("<icon>"), xml)
        XCTAssertTrue(printed[log]?.hasSuffix(" sshd[42] err: error: something failed\n") == true, printed[log] ?? "")
        XCTAssertTrue(printed[diff]?.contains("-oldhost\n+otherhost\n") == true, printed[diff] ?? "")
    }

    /// virt-edit -e and virt-make-fs leave the same images on both appliances (checked
    /// with the host's sfdisk and debugfs); virt-sparsify --in-place gives a deleted
    /// file's blocks back to the host and leaves a clean filesystem.
    func testEditMakeFsAndSparsifyChangeImagesAsTheStockApplianceDoes() throws {
        let f = try Fixture.get()
        let disk = try DebianGuestDisk.path(f)
        var edited: [String] = []
        var made: [String] = []
        let input = f.work + "/make-fs-input"
        try Fixture.sh("rm -rf \(input) && mkdir -p \(input)/d && echo made > \(input)/d/f && ln -s d/f \(input)/l")
        for stock in [false, true] {
            let name = stock ? "stock" : "ours"
            let copy = f.work + "/edit-\(name).img"
            try Fixture.sh("cp --sparse=always \(disk) \(copy)")
            let r = try f.runTool("virt-edit -a \(copy) /etc/hostname -e 's/tooldeb/edited/'", stock: stock)
            XCTAssertEqual(r.status, 0, "\(name): \(r.err)")
            edited.append(try DebianGuestDisk.debugfs(copy, offset: 1_048_576, "cat /etc/hostname", "stat /etc/hostname"))

            let image = f.work + "/make-fs-\(name).img"
            try Fixture.sh("rm -f \(image)")
            let m = try f.runTool("virt-make-fs --partition --type=ext4 --size=+8M \(input) \(image)", stock: stock)
            XCTAssertEqual(m.status, 0, "\(name): \(m.err)")
            let table = try Fixture.sh("sfdisk -d \(image) | grep -v -e label-id -e '^device' -e '^$' | sed 's|\(image)|IMAGE|'").out
            let start = try Fixture.sh("sfdisk -J \(image) | sed -n 's/.*\"start\": *\\([0-9]*\\).*/\\1/p'").out
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let offset = (Int(start) ?? 0) * 512
            made.append(table + (try DebianGuestDisk.debugfs(image, offset: offset, "cat /d/f", "stat /l")))
        }
        // Inode and block numbers, times, generation and checksums differ between any
        // two runs.
        func stable(_ s: String) -> String {
            s.split(separator: "\n").filter { line in
                !["ctime:", "atime:", "mtime:", "crtime:", "Generation:", "Inode checksum:", "EXTENTS:", "("]
                    .contains { line.trimmingCharacters(in: .whitespaces).hasPrefix($0) }
            }.map { $0.replacingOccurrences(of: #"Inode: [0-9]+"#, with: "Inode: _", options: .regularExpression) }
            .joined(separator: "\n")
        }
        XCTAssertEqual(stable(edited[0]), stable(edited[1]))
        XCTAssertTrue(edited[0].hasPrefix("edited\n"), edited[0])
        XCTAssertTrue(edited[0].contains("Mode:  0644"), edited[0])
        XCTAssertEqual(stable(made[0]), stable(made[1]))
        XCTAssertTrue(made[0].contains("type=83"), made[0])
        XCTAssertTrue(made[0].contains("made\n"), made[0])
        XCTAssertTrue(made[0].contains("Fast link dest: \"d/f\""), made[0])

        // A 24 MiB file written and deleted: its blocks hold data the host still stores
        // until the in-place sparsify trims them.
        let sparse = f.work + "/sparsify.img"
        try Fixture.sh("cp --sparse=always \(disk) \(sparse)")
        let w = try f.runTool("guestfish -a \(sparse) -m /dev/sda1 fill-pattern x 25165824 /big : sync : rm /big", stock: false)
        XCTAssertEqual(w.status, 0, w.err)
        let before = try DebianGuestDisk.allocatedKiB(sparse)
        let s = try f.runTool("virt-sparsify --in-place \(sparse)", stock: false)
        XCTAssertEqual(s.status, 0, s.err)
        XCTAssertTrue(s.out.contains("Trimming /dev/sda1"), s.out)
        let after = try DebianGuestDisk.allocatedKiB(sparse)
        XCTAssertLessThan(after, before - 20 * 1024, "allocated \(before) KiB before, \(after) KiB after")
        let fsck = try Fixture.sh("dd if=\(sparse) of=\(sparse).p1 bs=1M skip=1 status=none && e2fsck -fn \(sparse).p1")
        XCTAssertEqual(fsck.status, 0, fsck.out + fsck.err)
        XCTAssertEqual(try f.runTool("virt-cat -a \(sparse) /etc/hostname", stock: false).out, "tooldeb\n")
    }

    /// Our own launcher passes a writable disk's discards through: fstrim after a
    /// deleted 24 MiB file gives its blocks back to the image.
    func testOurLauncherPassesDiscardsThrough() throws {
        let f = try Fixture.get()
        let disk = try DebianGuestDisk.path(f), image = f.work + "/trim.img"
        try Fixture.sh("cp --sparse=always \(disk) \(image)")
        let env = ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir]
        let cli = "\(f.productsDir)/appliance run --accel tcg -a \(image) -- mount /dev/sda1 / : "
        let fill = try Fixture.sh(cli + "fill-pattern x 25165824 /big : sync : rm /big", environment: env)
        XCTAssertEqual(fill.status, 0, fill.err)
        let before = try DebianGuestDisk.allocatedKiB(image)
        let trim = try Fixture.sh(cli + "fstrim /", environment: env)
        XCTAssertEqual(trim.status, 0, trim.err)
        let after = try DebianGuestDisk.allocatedKiB(image)
        XCTAssertLessThan(after, before - 20 * 1024, "allocated \(before) KiB before, \(after) KiB after")
    }

    /// virt-resize --expand to a larger disk and virt-format on our appliance: the
    /// partition tables the stock appliance leaves (observed with these same images:
    /// 2048+1044224 and 128+786177 sectors, and a filesystem of 522112 blocks), a grown
    /// clean filesystem with the guest's files, a fresh ext4.
    func testResizeAndFormatLeaveWhatTheStockApplianceLeaves() throws {
        let f = try Fixture.get()
        let disk = try DebianGuestDisk.path(f)
        let source = f.work + "/resize-in.img", target = f.work + "/resize-out.img"
        try Fixture.sh("cp --sparse=always \(disk) \(source) && rm -f \(target) && truncate -s 512M \(target)")
        let r = try f.runTool("virt-resize --expand /dev/sda1 \(source) \(target)", stock: false)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("Resize operation completed with no errors"), r.out)
        XCTAssertEqual(try Fixture.sh("sfdisk -d \(target) | grep '^\(target)1 '").out,
                       "\(target)1 : start=        2048, size=     1044224, type=83\n")
        let grown = try DebianGuestDisk.debugfs(target, offset: 2048 * 512, "cat /etc/hostname")
        XCTAssertEqual(grown, "tooldeb\n")
        let part = try Fixture.sh("dd if=\(target) of=\(target).p1 bs=512 skip=2048 status=none && e2fsck -fn \(target).p1 >/dev/null"
            + " && dumpe2fs -h \(target).p1 2>/dev/null | sed -n 's/^Block count: *//p'")
        XCTAssertEqual(part.status, 0, part.err)
        XCTAssertEqual(part.out, "522112\n")

        let formatted = f.work + "/format.img"
        try Fixture.sh("cp --sparse=always \(disk) \(formatted)")
        let v = try f.runTool("virt-format -a \(formatted) --filesystem=ext4", stock: false)
        XCTAssertEqual(v.status, 0, v.err)
        XCTAssertEqual(try Fixture.sh("sfdisk -d \(formatted) | grep '^\(formatted)1 '").out,
                       "\(formatted)1 : start=         128, size=      786177, type=83\n")
        XCTAssertEqual(try Fixture.sh("blkid -p -o value -s TYPE -O 65536 \(formatted)").out, "ext4\n")
        XCTAssertEqual(try DebianGuestDisk.debugfs(formatted, offset: 65536, "ls -p /"), "/2/040755/0/0/.//\n/2/040755/0/0/..//\n/11/040700/0/0/lost+found//\n\n")
    }

    /// The calls of virt-resize, virt-format, virt-make-fs, virt-sparsify and
    /// libguestfs's own tests, one guestfish script on a labelled copy of the image and a
    /// scratch disk: file, checksums-out, the journal, is-lv, part-* flags, names, MBR
    /// ids and GPT GUIDs, resize2fs*, set-label, set-uuid, mount points, fill-pattern,
    /// copy-attributes, zero-free-space, fstrim, zerofree, pread/pwrite-device,
    /// copy-device-to-device, list-disk-labels, debug progress; and their errors.
    func testCallsOfTheChangingToolsPrintTheSameOnBothAppliances() throws {
        let f = try Fixture.get()
        let disk = try DebianGuestDisk.path(f)
        let script = f.work + "/changing.gf", scratch = f.work + "/changing-scratch.img"
        try Self.script(disk: disk, scratch: scratch).write(toFile: script, atomically: true, encoding: .utf8)
        try Fixture.sh("rm -f \(scratch)")
        let ours = try f.runTool("guestfish -f \(script)", stock: false)
        try Fixture.sh("rm -f \(scratch)")
        let stock = try f.runTool("guestfish -f \(script)", stock: true)
        XCTAssertEqual(ours.status, 0, ours.err)
        XCTAssertEqual(stock.status, 0, stock.err)
        let a = ours.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = stock.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(a.count, b.count, "line counts differ:\n--- ours\n\(ours.out)\n--- stock\n\(stock.out)")
        var compared = 0
        for (i, (x, y)) in zip(a, b).enumerated() where !(GuestfishScriptTests.isVolatile(x) && GuestfishScriptTests.isVolatile(y)) {
            XCTAssertEqual(x, y, "stdout line \(i + 1)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 100)
        // parted names the node it opened: the stock appliance's kernel may call the
        // scratch disk sdb or sdc from boot to boot (its root is a SCSI disk too).
        func errors(_ err: String) -> [String] {
            GuestfishScriptTests.errorLines(err).map { $0.replacingOccurrences(of: #"/dev/sd[a-z]"#, with: "/dev/sdX", options: .regularExpression) }
        }
        XCTAssertEqual(errors(ours.err), errors(stock.err))
        XCTAssertEqual(errors(stock.err).count, 20, stock.err)
        XCTAssertTrue(ours.err.contains("part_resize: parted: /dev/sdb: Warning: Shrinking a partition"), ours.err)

        // debug binaries lists the root's executables that are not position-independent
        // (the stock appliance's gawk is one); in ours only the static busybox of the
        // rescue shell is not PIE.
        let binaries = try f.runTool("guestfish -a /dev/null run : debug binaries ''", stock: false)
        XCTAssertEqual(binaries.status, 0, binaries.err)
        XCTAssertEqual(binaries.out, "/usr/bin/busybox\n\n")
        for expected in ["a1: /dev/sda1", "Journal file, offline", "e40de6e5a16dce44ae970cb18b480a68  ./hostname",
                         "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "abcabcabca", "/dev/sdb1: /one", "myname"] {
            XCTAssertTrue(a.contains { $0.hasSuffix(expected) }, expected)
        }
    }

    static func script(disk: String, scratch: String) -> String {
        """
        add-drive \(disk) readonly:true label:a
        sparse \(scratch) 128M
        run
        list-disk-labels
        file /dev/sda1
        mount-ro /dev/sda1 /
        -file /nothing
        file /etc
        file /bin
        file /etc/hostname
        file /var/log/journal/fedcba9876543210fedcba9876543210/system.journal
        is-lv /dev/sda1
        checksums-out md5 /etc -
        checksums-out crc /etc -
        -checksums-out md4 /etc -
        -checksums-out md5 /nothing -
        -checksums-out md5 /etc/hostname -
        journal-open /var/log/journal
        journal-get-data-threshold
        journal-next
        journal-get-realtime-usec
        journal-get
        journal-skip 1
        journal-get
        journal-skip -1
        journal-next
        journal-skip 0
        journal-close
        -journal-next
        -journal-close
        umount-all
        part-disk /dev/sdb mbr
        part-get-bootable /dev/sdb 1
        part-set-bootable /dev/sdb 1 true
        part-get-bootable /dev/sdb 1
        part-set-mbr-id /dev/sdb 1 0x7
        part-get-mbr-id /dev/sdb 1
        part-get-mbr-part-type /dev/sdb 1
        -part-get-name /dev/sdb 1
        -part-get-bootable /dev/sdb 2
        -part-set-bootable /dev/sdb 0 true
        -part-resize /dev/sdb 1 100000
        part-del /dev/sdb 1
        part-add /dev/sdb p 2048 100000
        part-resize /dev/sdb 1 200000
        part-list /dev/sdb
        part-set-mbr-id /dev/sdb 1 0x83
        mkfs ext4 /dev/sdb1
        set-label /dev/sdb1 newlabel
        vfs-label /dev/sdb1
        -set-label /dev/sdb1 waytoolongforanext4label
        set-uuid /dev/sdb1 01234567-89ab-cdef-0123-456789abcdef
        vfs-uuid /dev/sdb1
        -set-uuid /dev/sdb1 random
        set-uuid-random /dev/sdb1
        resize2fs-size /dev/sdb1 20M
        -resize2fs-size /dev/sdb1 1000
        resize2fs /dev/sdb1
        resize2fs-M /dev/sdb1
        mkmountpoint /one
        mkmountpoint /two
        mount /dev/sdb1 /one
        mountpoints
        write /one/f "hello"
        fill-pattern abc 10 /one/p
        cat /one/p
        -fill-pattern "" 10 /one/q
        chmod 0600 /one/f
        chown 10 20 /one/f
        copy-attributes /one/f /one/p all:true
        lstatns /one/p
        zero-free-space /one
        fstrim /one
        umount /one
        rmmountpoint /one
        -rmmountpoint /one
        -mkmountpoint relative
        zerofree /dev/sdb1
        pread-device /dev/sdb 2 510
        pwrite-device /dev/sdb "X" 440
        blkdiscardzeroes /dev/sdb
        part-init /dev/sdb gpt
        part-add /dev/sdb p 2048 65535
        part-set-name /dev/sdb 1 myname
        part-get-name /dev/sdb 1
        part-set-gpt-type /dev/sdb 1 0FC63DAF-8483-4772-8E79-3D69D8477DE4
        part-get-gpt-type /dev/sdb 1
        part-set-gpt-guid /dev/sdb 1 01234567-89AB-CDEF-0123-456789ABCDEF
        part-get-gpt-guid /dev/sdb 1
        part-set-gpt-attributes /dev/sdb 1 4
        part-get-gpt-attributes /dev/sdb 1
        part-set-disk-guid /dev/sdb 11111111-2222-3333-4444-555555555555
        part-get-disk-guid /dev/sdb
        part-get-mbr-part-type /dev/sdb 1
        part-expand-gpt /dev/sdb
        copy-device-to-device /dev/sda1 /dev/sdb1 size:1048576 sparse:true
        -copy-device-to-device /dev/sda1 /dev/sdb1 append:true
        -copy-device-to-device /dev/sda1 /dev/sdb1 srcoffset:-1
        pread-device /dev/sdb1 2 1080
        debug progress 1
        -debug progress 0
        -debug progress x

        """
    }
}
