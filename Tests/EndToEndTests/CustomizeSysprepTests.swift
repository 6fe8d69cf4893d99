import Foundation
import XCTest

/// virt-customize and virt-sysprep change one copy of a small Debian-like guest on our
/// appliance and another on libguestfs's stock one; afterwards the two filesystems hold
/// the same names, types, modes, owners, sizes, link targets and contents, but for what
/// is random by design (sysprep's new machine-id). One stock launch per tool.
final class CustomizeSysprepTests: XCTestCase {
    func testVirtCustomizeMakesTheSameChangesAsTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try CustomizableGuestDisk.path(f)
        let upload = f.work + "/customize-upload.txt"
        try "uploaded by the test\n".write(toFile: upload, atomically: true, encoding: .utf8)
        let arguments = [
            "--hostname newhost.example.com", "--timezone Europe/London",
            "--run-command 'echo ran > /etc/ran-by-run-command'", "--write /etc/motd:hello",
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
                       "127.0.0.1\tlocalhost\n127.0.1.1\toldhost.example.org newhost.example.com\n\n# comment\n"
                       + "::1\tlocalhost ip6-localhost\n10.0.0.1 extra\n")
        XCTAssertEqual(try String(contentsOfFile: root + "/etc/ran-by-run-command", encoding: .utf8), "ran\n")
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
        let disk = try CustomizableGuestDisk.path(f)
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
        XCTAssertNotEqual(id, CustomizableGuestDisk.machineID + "\n")

        // Only the operations asked for.
        let copy = f.work + "/sysprep-some.img"
        try Fixture.sh("cp --sparse=always \(disk) \(copy)")
        let r = try f.runTool("virt-sysprep -a \(copy) --operations machine-id,logfiles,ssh-hostkeys,bash-history,tmp-files", stock: false)
        XCTAssertEqual(r.status, 0, r.err)
        let some = try GuestTree.listing(of: copy, work: f.work + "/sysprep-tree-some", random: ["./etc/machine-id"])
        XCTAssertEqual(some.filter { !$0.hasSuffix(" ./etc/machine-id") }, ours.filter { !$0.hasSuffix(" ./etc/machine-id") })
    }
}

/// A guest's first partition (ext4 at sector 2048) unpacked with debugfs's rdump and
/// listed: one line per entry (mode, owner, group, size, link target, path), then one
/// sha256 line per file. Files named in `random` keep their line but not their digest.
enum GuestTree {
    static func listing(of image: String, work: String, random: [String] = []) throws -> [String] {
        let script = """
            set -eu
            rm -rf \(work) \(work).part; mkdir -p \(work)
            dd if=\(image) of=\(work).part bs=512 skip=2048 status=none
            debugfs -R 'rdump / \(work)' \(work).part >/dev/null 2>&1
            rm -f \(work).part
            cd \(work)
            find . -mindepth 1 -printf '%M %U %G %s %l %p\\n' | LC_ALL=C sort
            find . -type f | LC_ALL=C sort | xargs -r sha256sum
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

/// A small Debian 12 on an MBR disk with one ext4 partition: release files, hostname,
/// hosts, machine-id, passwd, logs, ssh host keys, shell histories, temporary files, a
/// time zone, and the host's dash with its libraries as /bin/sh so --run-command runs.
enum CustomizableGuestDisk {
    static let made = LockedPath()
    static let machineID = "0123456789abcdef0123456789abcdef"

    static func path(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let disk = f.work + "/customizable.img"
        let r = try Fixture.sh(script(disk: disk, tree: f.work + "/customizable-tree"))
        guard r.status == 0 else { throw ScriptFailure(what: "making the guest", stderr: r.err) }
        made.set(disk)
        return disk
    }

    static func script(disk: String, tree r: String) -> String {
        """
        set -eu
        rm -rf \(r); mkdir -p \(r)
        mkdir -p \(r)/etc/ssh \(r)/etc/default \(r)/usr/bin \(r)/usr/sbin \(r)/usr/lib/x86_64-linux-gnu \(r)/usr/lib64 \
          \(r)/var/log/apt \(r)/var/tmp \(r)/root \(r)/home/user \(r)/tmp/dir \(r)/proc \(r)/sys \(r)/dev \(r)/run \
          \(r)/srv \(r)/usr/share/zoneinfo/Europe \(r)/usr/share/zoneinfo/Etc
        ln -s usr/bin \(r)/bin; ln -s usr/sbin \(r)/sbin; ln -s usr/lib \(r)/lib; ln -s usr/lib64 \(r)/lib64
        printf '%s\\n' 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"' 'NAME="Debian GNU/Linux"' 'VERSION_ID="12"' \
          'VERSION="12 (bookworm)"' 'VERSION_CODENAME=bookworm' 'ID=debian' > \(r)/etc/os-release
        echo 12.5 > \(r)/etc/debian_version
        echo oldhost > \(r)/etc/hostname
        printf '127.0.0.1\\tlocalhost\\n127.0.1.1\\toldhost.example.org oldhost\\n\\n# comment\\n::1\\tlocalhost ip6-localhost\\n' > \(r)/etc/hosts
        echo \(machineID) > \(r)/etc/machine-id
        printf 'root:x:0:0:root:/root:/bin/sh\\nuser:x:1000:1000:user:/home/user:/bin/sh\\n' > \(r)/etc/passwd
        printf 'root:*:19000:0:99999:7:::\\nuser:*:19000:0:99999:7:::\\n' > \(r)/etc/shadow; chmod 640 \(r)/etc/shadow
        printf 'root:x:0:\\nuser:x:1000:\\n' > \(r)/etc/group
        echo 'UUID=5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d / ext4 errors=remount-ro 0 1' > \(r)/etc/fstab
        echo Etc/UTC > \(r)/etc/timezone
        cp /usr/share/zoneinfo/Etc/UTC \(r)/usr/share/zoneinfo/Etc/UTC
        cp /usr/share/zoneinfo/Europe/London \(r)/usr/share/zoneinfo/Europe/London
        ln -s /usr/share/zoneinfo/Etc/UTC \(r)/etc/localtime
        for t in rsa ecdsa ed25519; do
          echo "private $t" > \(r)/etc/ssh/ssh_host_${t}_key; chmod 600 \(r)/etc/ssh/ssh_host_${t}_key
          echo "ssh-$t AAAA host" > \(r)/etc/ssh/ssh_host_${t}_key.pub
        done
        echo 'PermitRootLogin no' > \(r)/etc/ssh/sshd_config
        echo 'Jan  1 00:00:00 oldhost kernel: hello' > \(r)/var/log/syslog
        echo 'auth line' > \(r)/var/log/auth.log; echo 'dpkg line' > \(r)/var/log/dpkg.log
        echo 'history' > \(r)/var/log/apt/history.log
        echo 'ls -l' > \(r)/root/.bash_history; chmod 600 \(r)/root/.bash_history
        echo 'whoami' > \(r)/home/user/.bash_history; chown -R 1000:1000 \(r)/home/user
        echo scratch > \(r)/tmp/scratch; echo x > \(r)/tmp/dir/x; echo y > \(r)/var/tmp/y
        cp /usr/bin/dash \(r)/usr/bin/dash; ln -s dash \(r)/usr/bin/sh
        for lib in $(ldd /usr/bin/dash | grep -o '/[^ ]*'); do cp -L "$lib" "\(r)$lib"; done
        rm -f \(disk); truncate -s 64M \(disk)
        echo 'start=2048, type=83' | sfdisk -q \(disk)
        mkfs.ext4 -q -F -U 5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d -d \(r) -E offset=$((2048*512)) \(disk) 62M
        """
    }
}
