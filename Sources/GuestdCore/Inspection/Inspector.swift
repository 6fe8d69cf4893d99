import Glibc
import GuestProtocol
import StorageText

/// inspect_os for Linux guests (daemon/inspect.ml, inspect_fs.ml, inspect_fs_unix.ml of
/// libguestfs 1.48): every filesystem is mounted read-only on the sysroot in turn and
/// classified; a Linux root's release files, a binary's ELF header, its hostname and
/// fstab give the facts; a Windows root's come from its registry (WindowsRoot). BSD,
/// Hurd, Minix and CoreOS are not recognised, so such guests have no roots here.
struct Inspector {
    let daemon: Daemon

    private var files: GuestFiles { GuestFiles(sysroot: daemon.sysroot) }

    /// Filesystems are tried in list_filesystems order; afterwards nothing is mounted.
    func inspectOS() throws(CallError) -> [InspectedFilesystem] {
        try daemon.mounts.unmountAll()
        // Host test mode mounts nothing of the host's own: only a recorded /dev tree.
        guard daemon.options.isPID1 || daemon.options.dev != "/dev" else { return [] }
        var found: [InspectedFilesystem] = []
        for (device, vfsType) in daemon.filesystems() {
            if let fs = try check(device, vfsType) { found.append(fs) }
        }
        return Inspector.mergeSeparateUsr(found)
    }

    /// check_for_filesystem_on: swap is not mounted; a filesystem that does not mount
    /// is left out.
    private func check(_ device: String, _ vfsType: String) throws(CallError) -> InspectedFilesystem? {
        if vfsType == "swap" { return InspectedFilesystem(device: device, vfsType: vfsType, role: .swap) }
        do { try daemon.mount(device: device, mountpoint: "/", options: "ro") } catch {
            daemon.console.debug("inspect_os: \(device) (\(vfsType)) does not mount: \(error.message)")
            return nil
        }
        let role: InspectedFilesystem.Role
        do { role = try classify(device) } catch {
            try? daemon.mounts.unmountAll()
            throw error
        }
        try daemon.mounts.unmountAll()
        return InspectedFilesystem(device: device, vfsType: vfsType, role: role)
    }

    /// check_filesystem, the Linux and Windows cases, in the real order: a GRUB /boot
    /// first, then a root, a /usr/local, a /usr, a Windows system root.
    private func classify(_ device: String) throws(CallError) -> InspectedFilesystem.Role {
        let f = files
        var data = InspectionData()
        var role = InspectedFilesystem.Role.other
        if f.isFile("/grub/menu.lst") || f.isFile("/grub/grub.conf") || f.isFile("/grub2/grub.cfg") {
            role = .other
        } else if f.isDir("/etc"), f.isDir("/bin") || f.isSymlink("/bin", to: "usr/bin"),
                  f.isFile("/etc/fstab") || f.isFile("/etc/hosts") {
            checkLinuxRoot(device, &data)
            role = .root(data)
        } else if f.isDir("/etc"), f.isDir("/bin"), f.isDir("/share"), !f.isDir("/local"), !f.isFile("/etc/fstab") {
            role = .other  // /usr/local
        } else if f.isDir("/bin"), f.isDir("/local"), f.isDir("/share"), f.isDir("/src"), !f.isFile("/etc/fstab") {
            data.osType = "linux"
            if f.isFile("/lib/os-release", followSymlinks: true) {
                _ = ReleaseFiles(files: f).parseOSRelease("/lib/os-release", &data)
            }
            if let arch = architecture() { data.arch = arch }
            role = .usr(data)
        } else if let systemroot = WindowsRoot(daemon: daemon).systemroot() {
            try WindowsRoot(daemon: daemon).check(systemroot: systemroot, &data)
            role = .root(data)
        }
        // Package format and manager follow from the distribution (and version).
        func withPackages(_ d: InspectionData) -> InspectionData {
            var d = d
            d.packageFormat = d.distro?.packageFormat
            d.packageManagement = d.distro?.packageManagement(major: d.version?.major ?? 0) {
                f.isFile("/usr/bin/dnf", followSymlinks: true)
            }
            return d
        }
        switch role {
        case let .root(d): return .root(withPackages(d))
        case let .usr(d): return .usr(withPackages(d))
        default: return role
        }
    }

    /// check_linux_root.
    private func checkLinuxRoot(_ device: String, _ data: inout InspectionData) {
        data.osType = "linux"
        ReleaseFiles(files: files).run(ReleaseFiles.linuxTests, &data)
        data.arch = architecture()
        data.fstab = fstab(root: device)
        data.hostname = hostname()
    }

    /// check_architecture: the first of these binaries (symlinks followed) whose
    /// architecture can be told.
    private func architecture() -> String? {
        for bin in ["/bin/bash", "/bin/ls", "/bin/echo", "/bin/rm", "/bin/sh"] where files.isFile(bin, followSymlinks: true) {
            if let header = files.read(bin, limit: 64), let arch = ElfArch.of(header) { return arch }
        }
        return nil
    }

    /// check_hostname_linux: the first non-comment line of /etc/HOSTNAME or
    /// /etc/hostname, else HOSTNAME= of /etc/sysconfig/network (as Augeas's Shellvars
    /// lens stores it: quotes kept).
    private func hostname() -> ByteString? {
        for file in ["/etc/HOSTNAME", "/etc/hostname"] {
            if let name = files.smallFileByteLines(file)?.first(where: { !$0.isEmpty && !$0.hasPrefix("#") }) { return name }
        }
        guard files.isFile("/etc/sysconfig/network"), let lines = files.smallFileByteLines("/etc/sysconfig/network") else { return nil }
        // aug_get of a path that matches twice fails: then there is no name.
        let values = lines.filter { $0.hasPrefix("HOSTNAME=") }
        return values.count == 1 ? ByteString(values[0].bytes.dropFirst("HOSTNAME=".utf8.count)) : nil
    }

    /// check_fstab: Augeas loads /etc/fstab only as a regular file (symlinks followed)
    /// of at most 100,000 bytes, and returns its entries last first.
    private func fstab(root: String) -> [(device: String, mountpoint: ByteString)] {
        guard files.isFile("/etc/fstab", followSymlinks: true),
              let st = try? daemon.sysroot.statFollowing("/etc/fstab"), st.st_size <= 100_000,
              let bytes = files.read("/etc/fstab", limit: 100_000) else { return [] }
        let devices = daemon.devices
        let resolver = Fstab.Resolver(
            root: root,
            disks: devices.disks().filter(devices.opens).map { devices.dev + "/" + $0 },
            findfs: { tag, value in daemon.findfsCandidates().first { (try? Probe.tag($0, tag)) == value } },
            translate: { (try? devices.translate($0)) ?? $0 },
            canonicalLV: { (try? LVM.canonical($0)) ?? nil },
            mdDevices: mdDevices())
        return Fstab.parse(bytes).reversed().compactMap(resolver.resolve)
    }

    /// map_md_devices: each ARRAY of the guest's mdadm.conf whose UUID is an array the
    /// appliance assembled, by the guest's name for it.
    private func mdDevices() -> [String: String] {
        guard Daemon.isAvailable("mdadm") else { return [:] }
        let byUUID = MD.uuidMap()
        guard !byUUID.isEmpty else { return [:] }
        var map: [String: String] = [:]
        for file in ["/etc/mdadm.conf", "/etc/mdadm/mdadm.conf"] where files.isFile(file, followSymlinks: true) {
            guard let bytes = files.read(file, limit: 100_000) else { continue }
            for entry in MDAdmConf.deviceUUIDs(in: String(decoding: bytes, as: UTF8.self)) {
                if let md = byUUID[entry.uuid] { map[entry.device] = md }
            }
        }
        return map
    }

    /// collect_linux_inspection_info: a root takes what the /usr listed in its fstab
    /// found, where it found nothing itself.
    static func mergeSeparateUsr(_ found: [InspectedFilesystem]) -> [InspectedFilesystem] {
        found.map { fs in
            guard case var .root(data) = fs.role, data.distro != .coreos else { return fs }
            let usr = found.first { other in
                guard case .usr = other.role else { return false }
                return data.fstab.contains { $0.device == other.device }
            }
            guard let usr, case let .usr(usrData) = usr.role else { return fs }
            data.merge(from: usrData)
            return InspectedFilesystem(device: fs.device, vfsType: fs.vfsType, role: .root(data))
        }
    }
}
