import GuestProtocol

/// The Windows root test and check_windows_root (daemon/inspect_fs_windows.ml of
/// libguestfs 1.48), on the filesystem mounted at the sysroot: the system root is
/// found case-insensitively at a usual place or from boot.ini; cmd.exe gives the
/// architecture and the SOFTWARE and SYSTEM hives the rest (WindowsRegistry).
struct WindowsRoot {
    let daemon: Daemon
    var files: GuestFiles { GuestFiles(sysroot: daemon.sysroot) }

    static let systemrootPaths = ["/windows", "/winnt", "/win32", "/win", "/reactos"]

    /// get_windows_systemroot: the first usual place that is a system root, else the
    /// first boot.ini entry that is one (on this filesystem, whatever partition the
    /// entry names).
    func systemroot() -> String? {
        for path in WindowsRoot.systemrootPaths {
            if let found = files.caseSensitivePath(path), isSystemroot(found) { return found }
        }
        guard let bootIni = files.caseSensitivePath("/boot.ini"), let lines = files.smallFileLines(bootIni) else { return nil }
        return WindowsRoot.bootIniSystemroots(lines).first(where: isSystemroot)
    }

    /// The system-root paths of boot.ini's "[operating systems]" section: its leading
    /// run of multi(…)/scsi(…) lines that parse, backslashes made slashes.
    static func bootIniSystemroots(_ lines: [String]) -> [String] {
        guard let start = lines.firstIndex(where: { $0.hasPrefix("[operating systems]") }) else { return [] }
        let entries = lines[(start + 1)...].prefix { $0.hasPrefix("multi(") || $0.hasPrefix("scsi(") }
        let pattern = #"^(multi|scsi)\((\d+)\)disk\((\d+)\)rdisk\((\d+)\)partition\((\d+)\)([^=]+)="#
        return entries.compactMap { line in
            guard let groups = ReleaseFiles.groups(pattern, line), groups.count == 6 else { return nil }
            return String(groups[5].map { $0 == "\\" ? "/" : $0 })
        }
    }

    /// is_systemroot: system32 and its config folder, and cmd.exe, whatever their case.
    func isSystemroot(_ path: String) -> Bool {
        files.isDirNoCase(path + "/system32") && files.isDirNoCase(path + "/system32/config")
            && files.isFileNoCase(path + "/system32/cmd.exe")
    }

    /// check_windows_root.
    func check(systemroot: String, _ data: inout InspectionData) throws(CallError) {
        data.osType = "windows"
        data.distro = .windows
        data.windowsSystemroot = systemroot
        data.arch = try architecture(systemroot)
        try WindowsRegistry(daemon: daemon, files: files).check(systemroot: systemroot, &data)
    }

    /// check_windows_arch: cmd.exe's, or the whole inspection fails as `file`'s
    /// description is not understood.
    private func architecture(_ systemroot: String) throws(CallError) -> String {
        let cmd = files.caseSensitivePath(systemroot + "/system32/cmd.exe") ?? systemroot + "/system32/cmd.exe"
        guard let header = files.read(cmd, limit: 4096), let arch = PEArch.of(header) else {
            throw CallError("unknown architecture: \(cmd)")
        }
        return arch
    }
}
