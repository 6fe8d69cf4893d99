import Foundation

/// Host programs guestd runs for tar_in/tar_out (and their compressors), mkfs, part_*,
/// e2fsck, tune2fs_l, fsck, df, file, resize2fs, fstrim, zerofree and the label setters,
/// copied into the root at their host paths with their shared-library closure, as supermin
/// copies the packages libguestfs's appliance lists. A program the host lacks is left out
/// with a note: the procedure that needs it then fails in the guest.
struct HostFiles {
    struct Program {
        let path: String
        /// The Debian package that provides it, for the note when it is missing.
        let package: String
    }

    static let programs: [Program] = [
        ("tar", ["/usr/bin/tar"]),
        ("gzip", ["/usr/bin/gzip", "/usr/bin/zcat"]),
        // tar's --bzip2, --xz and --lzop (tar_in/tar_out compress=…) run these, as in
        // libguestfs's appliance, which carries bzip2, xz-utils and lzop.
        ("bzip2", ["/usr/bin/bzip2"]),
        ("xz-utils", ["/usr/bin/xz"]),
        ("lzop", ["/usr/bin/lzop"]),
        ("coreutils", ["/usr/bin/df"]),
        ("e2fsprogs", ["/usr/sbin/mke2fs", "/usr/sbin/mkfs.ext2", "/usr/sbin/mkfs.ext3", "/usr/sbin/mkfs.ext4",
                       "/usr/sbin/e2fsck", "/usr/sbin/fsck.ext2", "/usr/sbin/fsck.ext3", "/usr/sbin/fsck.ext4",
                       "/usr/sbin/tune2fs", "/usr/sbin/dumpe2fs", "/usr/sbin/resize2fs", "/usr/sbin/e2label"]),
        ("util-linux", ["/usr/sbin/mkfs", "/usr/sbin/fsck", "/usr/sbin/wipefs", "/usr/sbin/fstrim", "/usr/sbin/swaplabel",
                        "/usr/sbin/mkswap", "/usr/sbin/swapon", "/usr/sbin/swapoff"]),
        // debug sh's mount (virt-rescue -i binds /dev, /proc and /sys into the guest with
        // `mount --rbind`) and a rescue shell's.
        ("mount", ["/usr/bin/mount", "/usr/bin/umount"]),
        ("fdisk", ["/usr/sbin/sfdisk"]),
        ("parted", ["/usr/sbin/parted"]),
        // part_*gpt*, part_*disk_guid*, part_expand_gpt (optional group gdisk).
        ("gdisk", ["/usr/sbin/sgdisk"]),
        ("zerofree", ["/usr/sbin/zerofree"]),
        // file(1) for the file procedure; its magic database is a data file below.
        ("file", ["/usr/bin/file"]),
        // mkfs.msdos: `mkfs msdos`, which FAT for syslinux is often made with.
        ("dosfstools", ["/usr/sbin/mkfs.fat", "/usr/sbin/mkfs.vfat", "/usr/sbin/mkfs.msdos", "/usr/sbin/fsck.fat",
                        "/usr/sbin/fsck.vfat", "/usr/sbin/fsck.msdos", "/usr/sbin/fatlabel", "/usr/sbin/dosfslabel"]),
        // The xfs group: xfs_info and xfs_admin are scripts over xfs_db and xfs_spaceman
        // (findmnt tells xfs_info a mounted filesystem); setfiles for selinux_relabel.
        ("xfsprogs", ["/usr/sbin/mkfs.xfs", "/usr/sbin/xfs_info", "/usr/sbin/xfs_admin", "/usr/sbin/xfs_growfs",
                      "/usr/sbin/xfs_repair", "/usr/sbin/xfs_db", "/usr/sbin/xfs_spaceman"]),
        ("util-linux", ["/usr/bin/findmnt"]),
        ("policycoreutils", ["/usr/sbin/setfiles"]),
        // The sleuthkit group: download_inode and download_blocks.
        ("sleuthkit", ["/usr/bin/icat", "/usr/bin/blkls"]),
        // The rsync group: rsync, rsync_in, rsync_out.
        ("rsync", ["/usr/bin/rsync"]),
        // The btrfs group; btrfsck is a link to btrfs that acts by its name.
        ("btrfs-progs", ["/usr/sbin/mkfs.btrfs", "/usr/sbin/fsck.btrfs", "/usr/bin/btrfs", "/usr/bin/btrfstune", "/usr/bin/btrfsck",
                         "/usr/bin/btrfs-image"]),
        // Groups syslinux and extlinux. syslinux(1) writes to the FAT device through
        // mtools (mattrib and mcopy, run by /bin/sh), which recode names to code page 850.
        ("syslinux", ["/usr/bin/syslinux"]),
        ("extlinux", ["/usr/bin/extlinux"]),
        ("mtools", ["/usr/bin/mtools", "/usr/bin/mcopy", "/usr/bin/mattrib"]),
        // The LVM2 group: one lvm binary for every command, dmsetup for the mappings.
        ("lvm2", ["/sbin/lvm"]),
        ("dmsetup", ["/sbin/dmsetup"]),
        ("cryptsetup-bin", ["/sbin/cryptsetup"]),
        // md RAID (optional group mdadm): assembly at launch and the md_* calls.
        ("mdadm", ["/sbin/mdadm"]),
        // NTFS (groups ntfs3g and ntfsprogs): mount(8)'s helper mount.ntfs is ntfs-3g
        // over FUSE (the kernel has no ntfs3), and the tools the ntfs* calls and
        // mkfs/labels run.
        ("ntfs-3g", ["/bin/ntfs-3g", "/bin/ntfs-3g.probe", "/sbin/mount.ntfs", "/sbin/mount.ntfs-3g", "/sbin/mkntfs",
                     "/sbin/mkfs.ntfs", "/sbin/ntfsresize", "/sbin/ntfsclone", "/bin/ntfscat", "/bin/ntfsfix", "/sbin/ntfslabel"]),
        // Windows dynamic disks (group ldm): ldmtool maps their volumes with libdevmapper.
        ("ldmtool", ["/usr/bin/ldmtool"]),
        // Single-tool groups: scrub (scrub_*), f2fs (f2fs_expand; mkfs and fsck of f2fs),
        // squashfs (mksquashfs) and grub (grub_install). grub-install comes without a
        // platform directory, as in Debian's stock appliance (grub2-common only), so it
        // refuses in its own words.
        ("scrub", ["/usr/bin/scrub"]),
        ("f2fs-tools", ["/usr/sbin/mkfs.f2fs", "/usr/sbin/fsck.f2fs", "/usr/sbin/resize.f2fs"]),
        ("squashfs-tools", ["/usr/bin/mksquashfs"]),
        ("grub2-common", ["/usr/sbin/grub-install"]),
        // The kernel's request_module runs /sbin/modprobe: device-mapper targets, ciphers
        // and filesystems then load when first asked for, as on any Linux; the modprobe
        // call (group linuxmodules) runs it too.
        ("kmod", ["/sbin/modprobe"]),
    ].flatMap { package, paths in paths.map { Program(path: $0, package: package) } }

    /// Configuration the programs read: mke2fs's defaults (features, inode size) come
    /// from this file, so without it ext4 would differ from the stock appliance's; file(1)
    /// reads its compiled magic through the /usr/share/misc link; libhivex recodes
    /// registry names and strings through iconv's LATIN1 and UTF-16LE, and mtools through
    /// IBM850 (declared in gconv-modules.d's extra list), which glibc loads from its gconv folder.
    static let dataFiles = ["/etc/mke2fs.conf", "/usr/share/misc/magic.mgc", "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules",
                            "/usr/lib/x86_64-linux-gnu/gconv/ISO8859-1.so", "/usr/lib/x86_64-linux-gnu/gconv/UTF-16.so",
                            "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.d/gconv-modules-extra.conf",
                            "/usr/lib/x86_64-linux-gnu/gconv/IBM850.so"]
    /// Folders copied whole: the Augeas lenses libaugeas reads at aug_init (package
    /// augeas-lenses, which libaugeas0 depends on).
    static let dataTrees = ["/usr/share/augeas/lenses"]

    struct Summary {
        var programs = 0
        var libraries = 0
        var missing: [Program] = []
    }

    /// What to copy: the tool-backed procedures' programs unless a variant names others.
    var programs: [Program] = Self.programs
    var dataFiles: [String] = Self.dataFiles
    var dataTrees: [String] = Self.dataTrees
    let progress: @Sendable (String) -> Void

    func copy(into tree: inout StagingTree) throws -> Summary {
        var summary = Summary()
        var elfs: [String] = []
        var pending = programs
        var seen = Set<String>()
        while !pending.isEmpty {
            let program = pending.removeFirst()
            guard seen.insert(program.path).inserted else { continue }
            var st = stat()
            guard lstat(program.path, &st) == 0 else {
                summary.missing.append(program)
                progress("root: \(program.path) is not on the host (package \(program.package)): left out")
                continue
            }
            let chain = ElfNeeded.realpathChain(program.path)
            for link in chain { try tree.copyHostPath(link) }
            summary.programs += 1
            let real = chain.last ?? program.path
            if let interpreter = try Self.scriptInterpreter(real) {
                // A script (zcat, fsck.btrfs): its interpreter comes too.
                pending.append(Program(path: interpreter, package: program.package))
            } else {
                elfs.append(real)
            }
        }
        let libraries = try ElfNeeded.closure(of: elfs)
        for lib in libraries { try tree.copyHostPathAndLinks(lib) }
        summary.libraries = libraries.count
        for file in dataFiles where access(file, R_OK) == 0 { try tree.copyHostPathAndLinks(file) }
        for dir in dataTrees {
            guard access(dir, R_OK | X_OK) == 0 else {
                progress("root: \(dir) is not on the host: left out")
                continue
            }
            try tree.copyTree(from: dir, under: dir)
        }
        return summary
    }

    /// The interpreter of a "#!" script, or nil for any other file.
    static func scriptInterpreter(_ path: String) throws -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BuildError.io(call: "open", path: path, errno: errno) }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 256)
        let n = read(fd, &head, head.count)
        guard n >= 0 else { throw BuildError.io(call: "read", path: path, errno: errno) }
        guard n > 2, head[0] == UInt8(ascii: "#"), head[1] == UInt8(ascii: "!") else { return nil }
        let line = head[2 ..< n].prefix { $0 != UInt8(ascii: "\n") }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard let first = words.first, first.hasPrefix("/") else {
            throw BuildError.format(path: path, reason: "script without an absolute interpreter")
        }
        return String(first)
    }
}
