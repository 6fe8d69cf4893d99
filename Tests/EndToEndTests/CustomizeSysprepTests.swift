import Foundation
import XCTest

/// virt-customize and virt-sysprep change one copy of an installed Debian 12
/// (DebianGuestDisk) on our appliance and another on libguestfs's stock one; afterwards
/// the two filesystems hold the same names, types, modes, owners, sizes, link targets and
/// contents, but for what is random by design (sysprep's new machine-id). One stock
/// launch per tool.
final class CustomizeSysprepTests: XCTestCase {
    func testVirtCustomizeMakesTheSameChangesAsTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try DebianGuestDisk.path(f)
        let upload = f.work + "/customize-upload.txt"
        try "uploaded by the test\n".write(toFile: upload, atomically: true, encoding: .utf8)
        let arguments = [
            "--hostname newhost.example.com", "--timezone Europe/London",
            // dpkg-query is the guest's own: the command runs in the installed system.
            "--run-command 'dpkg-query -W base-files > /etc/ran-by-run-command'", "--write /etc/motd:hello",
            "--append-line '/etc/hosts:10.0.0.1 extra'", "--mkdir /srv/data", "--chmod 0700:/srv/data",
            "--delete /tmp/scratch", "--touch /etc/touched", "--copy /etc/hosts:/srv/data", "--move /var/tmp/y:/srv/y",
            "--link /etc/hostname:/srv/hn", "--upload \(upload):/srv/up.txt", "--firstboot-command 'echo first'",
            "--ssh-inject 'root:string:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 test@host'",
        ].joined(separator: " ")
        let trees = try [false, true].map { stock in
            let copy = f.work + (stock ? "/customize-stock.img" : "/customize-ours.img")
            try Fixture.sh("cp --sparse=always \(disk) \(copy)")
            let r = try f.runTool("virt-customize -a \(copy) \(arguments)", stock: stock)
            XCTAssertEqual(r.status, 0, "\(stock ? "stock" : "ours"): \(r.err)")
            return try GuestTree.listing(of: copy, work: f.work + (stock ? "/customize-tree-stock" : "/customize-tree-ours"))
        }
        XCTAssertEqual(trees[0], trees[1])
        let ours = trees[0]
        // What each option did, so two appliances failing alike cannot pass.
        let root = f.work + "/customize-tree-ours"
        XCTAssertEqual(try String(contentsOfFile: root + "/etc/hostname", encoding: .utf8), "newhost.example.com\n")
        XCTAssertEqual(try String(contentsOfFile: root + "/etc/hosts", encoding: .utf8),
                       "127.0.0.1\tlocalhost\n127.0.1.1\ttooldeb.example.org newhost.example.com\n\n# comment\n"
                       + "::1\tlocalhost ip6-localhost\n10.0.0.1 extra\n")
        let ran = try String(contentsOfFile: root + "/etc/ran-by-run-command", encoding: .utf8)
        XCTAssertNotNil(ran.wholeMatch(of: /base-files\t12\.[0-9a-z.+~]+\n/), ran)
        XCTAssertTrue(ours.contains("lrwxrwxrwx 0 0 33 /usr/share/zoneinfo/Europe/London ./etc/localtime"), ours.joined(separator: "\n"))
        XCTAssertTrue(ours.contains("drwx------ 0 0 4096  ./srv/data"), ours.joined(separator: "\n"))
        XCTAssertFalse(ours.contains { $0.hasSuffix(" ./tmp/scratch") })
        XCTAssertTrue(ours.contains { $0.hasSuffix(" ./srv/y") } && !ours.contains { $0.hasSuffix(" ./var/tmp/y") })
        XCTAssertTrue(ours.contains { $0.hasPrefix("-rw-------") && $0.hasSuffix(" ./root/.ssh/authorized_keys") }, ours.joined(separator: "\n"))
        XCTAssertTrue(ours.contains { $0.hasPrefix("-rwxr-xr-x") && $0.hasSuffix(" ./usr/lib/virt-sysprep/firstboot.sh") },
                      ours.joined(separator: "\n"))
    }

    func testVirtSysprepMakesTheSameChangesAsTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try DebianGuestDisk.path(f)
        var trees: [[String]] = []
        for stock in [false, true] {
            let copy = f.work + (stock ? "/sysprep-stock.img" : "/sysprep-ours.img")
            try Fixture.sh("cp --sparse=always \(disk) \(copy)")
            // Every default operation (logfiles, machine-id, ssh-hostkeys, bash-history,
            // tmp-files, …), then the same run limited to five of them.
            let r = try f.runTool("virt-sysprep -a \(copy)", stock: stock)
            XCTAssertEqual(r.status, 0, "\(stock ? "stock" : "ours"): \(r.err)")
            XCTAssertTrue(r.out.contains("Performing \"logfiles\""), r.out)
            trees.append(try GuestTree.listing(of: copy, work: f.work + (stock ? "/sysprep-tree-stock" : "/sysprep-tree-ours"),
                                               random: ["./etc/machine-id"]))
        }
        XCTAssertEqual(trees[0], trees[1])
        let ours = trees[0]
        for gone in ["./etc/ssh/ssh_host_rsa_key", "./etc/ssh/ssh_host_ed25519_key.pub", "./root/.bash_history",
                     "./home/user/.bash_history", "./var/log/syslog", "./var/log/apt/history.log", "./tmp/scratch",
                     "./tmp/dir", "./var/tmp/y"] {
            XCTAssertFalse(ours.contains { $0.hasSuffix(" " + gone) }, gone)
        }
        XCTAssertTrue(ours.contains { $0.hasSuffix(" ./etc/ssh/sshd_config") })
        // A new machine-id, 32 hex digits and a newline, other than the guest's.
        let id = try String(contentsOfFile: f.work + "/sysprep-tree-ours/etc/machine-id", encoding: .utf8)
        XCTAssertNotNil(id.wholeMatch(of: /[0-9a-f]{32}\n/), id)
        XCTAssertNotEqual(id, DebianGuestDisk.machineID + "\n")

        // Only the operations asked for.
        let copy = f.work + "/sysprep-some.img"
        try Fixture.sh("cp --sparse=always \(disk) \(copy)")
        let r = try f.runTool("virt-sysprep -a \(copy) --operations machine-id,logfiles,ssh-hostkeys,bash-history,tmp-files", stock: false)
        XCTAssertEqual(r.status, 0, r.err)
        let some = try GuestTree.listing(of: copy, work: f.work + "/sysprep-tree-some", random: ["./etc/machine-id"])
        // The same tree as the default run's, but for what the operations left out remove
        // from an installed Debian: passwd-backups, package-manager-cache, ssh-userdir.
        let full = Set(ours.filter { !$0.hasSuffix(" ./etc/machine-id") })
        let subset = Set(some.filter { !$0.hasSuffix(" ./etc/machine-id") })
        XCTAssertEqual(full.subtracting(subset).sorted(), [])
        XCTAssertEqual(Set(subset.subtracting(full).map { String($0.split(separator: " ").last ?? "") }),
                       ["./etc/passwd-", "./etc/group-", "./etc/shadow-", "./etc/gshadow-", "./var/cache/apt/archives/lock",
                        "./root/.ssh"])
    }
}

/// An ext filesystem in an image (the first partition's at sector 2048 unless `sector`
/// says otherwise) unpacked with debugfs's rdump and listed: one line per entry (mode,
/// owner, group, size, link target, path), then one sha256 line per file. Files named in
/// `random` keep their line but not their digest.
enum GuestTree {
    static func listing(of image: String, work: String, random: [String] = [], sector: Int = 2048) throws -> [String] {
        let script = """
            set -eu
            rm -rf \(work) \(work).part; mkdir -p \(work)
            dd if=\(image) of=\(work).part bs=512 skip=\(sector) status=none
            debugfs -R 'rdump / \(work)' \(work).part >/dev/null 2>&1
            rm -f \(work).part
            cd \(work)
            find . -mindepth 1 -printf '%M %U %G %s %l %p\\n' | LC_ALL=C sort
            find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum
            """
        let r = try Fixture.sh(script)
        guard r.status == 0 else { throw ScriptFailure(what: "listing \(image)", stderr: r.err) }
        return r.out.split(separator: "\n").map(String.init).map { line in
            random.contains { line.hasSuffix("  " + $0) } ? "<random>  " + line.split(separator: " ").last! : line
        }
    }
}

struct ScriptFailure: Error, CustomStringConvertible {
    let what: String
    let stderr: String
    var description: String { "\(what) failed: \(stderr)" }
}
