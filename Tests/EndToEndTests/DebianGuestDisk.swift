import Foundation

/// The installed Debian 12 of `DebianTree` on an MBR disk with one ext4 partition at
/// sector 2048 (its fstab names it by UUID), made once per test run by guestfish on our
/// appliance, for the tools that inspect and change guests. Beside the
/// installed system it holds what those tools look for and remove: a known hostname
/// (mode 0644 as an installer leaves it; mmdebstrap's is 0755), hosts and machine-id, ssh host keys, shell histories, logs, temporary files, the
/// Debian logo (the host's, from debconf) and a systemd journal of two entries written
/// by systemd-journal-remote. Each test changes its own copy.
enum DebianGuestDisk {
    static let made = LockedPath()
    static let machineID = "fedcba9876543210fedcba9876543210"
    static let uuid = "0b1ac4b2-5b6f-4b43-a2a5-0f1f2a3b4c5d"
    /// The disk's size in 512-byte sectors (384 MiB).
    static let sectors = 786_432

    static func path(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let disk = f.work + "/debian-guest.img"
        let r = try Fixture.sh(script(disk: disk, tree: try DebianTree.tarball(f), work: f.work + "/debian-guest-files"),
                               environment: f.toolEnvironment(stock: false))
        guard r.status == 0 else { throw GuestImageError(reason: "guestfish could not build the Debian guest: \(r.err)") }
        made.set(disk)
        return disk
    }

    static func script(disk: String, tree: String, work: String) -> String {
        let journal = "/var/log/journal/\(machineID)"
        return """
            set -eu
            w=\(work); rm -rf $w; mkdir -p $w
            entry() { printf '__REALTIME_TIMESTAMP=%s\\n__MONOTONIC_TIMESTAMP=%s\\n_BOOT_ID=0123456789abcdef0123456789abcdef\\n_MACHINE_ID=\(machineID)\\n_HOSTNAME=tooldeb\\nPRIORITY=%s\\nSYSLOG_IDENTIFIER=%s\\n%bMESSAGE=%s\\n\\n' "$@"; }
            { entry 1700000000000000 1000 6 kernel '' 'Linux version 6.1'; entry 1700000005000000 5000000 3 sshd '_PID=42\\n' 'error: something failed'; } \\
              | /lib/systemd/systemd-journal-remote -o $w/system.journal - 2>/dev/null
            rm -f \(disk)
            guestfish -N \(disk)=disk:\(sectors / 2048)M <<X
            part-init /dev/sda mbr
            part-add /dev/sda p 2048 -1
            mkfs ext4 /dev/sda1
            set-uuid /dev/sda1 \(uuid)
            mount /dev/sda1 /
            tar-in \(tree) /
            write /etc/hostname "tooldeb\\n"
            chmod 0644 /etc/hostname
            write /etc/fstab "UUID=\(uuid) / ext4 errors=remount-ro 0 1\\n"
            write /etc/hosts "127.0.0.1\\tlocalhost\\n127.0.1.1\\ttooldeb.example.org tooldeb\\n\\n# comment\\n::1\\tlocalhost ip6-localhost\\n"
            write /etc/machine-id "\(machineID)\\n"
            mkdir-p /etc/ssh
            write /etc/ssh/sshd_config "PermitRootLogin no\\n"
            write /etc/ssh/ssh_host_rsa_key "private rsa\\n"
            chmod 0600 /etc/ssh/ssh_host_rsa_key
            write /etc/ssh/ssh_host_rsa_key.pub "ssh-rsa AAAA host\\n"
            write /etc/ssh/ssh_host_ed25519_key "private ed25519\\n"
            chmod 0600 /etc/ssh/ssh_host_ed25519_key
            write /etc/ssh/ssh_host_ed25519_key.pub "ssh-ed25519 AAAA host\\n"
            write /root/.bash_history "ls -l\\n"
            chmod 0600 /root/.bash_history
            mkdir-p /home/user
            write /home/user/.bash_history "whoami\\n"
            chown 1000 1000 /home/user/.bash_history
            chown 1000 1000 /home/user
            write /var/log/syslog "Jan  1 00:00:00 tooldeb kernel: hello\\n"
            write /var/log/auth.log "auth line\\n"
            mkdir-p /var/log/apt
            write /var/log/apt/history.log "history\\n"
            write /tmp/scratch "scratch\\n"
            mkdir-p /tmp/dir
            write /tmp/dir/x "x\\n"
            write /var/tmp/y "y\\n"
            mkdir-p /usr/share/pixmaps
            upload /usr/share/pixmaps/debian-logo.png /usr/share/pixmaps/debian-logo.png
            mkdir-p \(journal)
            upload $w/system.journal \(journal)/system.journal
            X
            """
    }

    /// debugfs's answers about the ext filesystem at `offset` in the image (the
    /// partition copied out first: debugfs reads whole devices).
    static func debugfs(_ image: String, offset: Int, _ requests: String...) throws -> String {
        let part = image + ".part"
        try Fixture.sh("dd if=\(image) of=\(part) bs=512 skip=\(offset / 512) status=none")
        defer { try? FileManager.default.removeItem(atPath: part) }
        return try requests.map { try Fixture.sh("debugfs -R '\($0)' \(part) 2>/dev/null").out }.joined()
    }

    /// The image's allocated size, as du counts it.
    static func allocatedKiB(_ image: String) throws -> Int {
        Int(try Fixture.sh("du -k \(image) | cut -f1").out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
