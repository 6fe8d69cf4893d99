import Foundation

/// A small hand-made Debian-like guest on an MBR disk with one ext4 partition (release
/// files, hostname, hosts, machine-id, passwd, logs, ssh host keys, shell histories,
/// temporary files, a time zone, and the host's dash as /bin/sh), quick to make, for the
/// tests that need only a few of its files (Augeas, SELinux relabelling, rescue).
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
