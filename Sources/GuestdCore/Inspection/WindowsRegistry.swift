import GuestProtocol

/// check_windows_registry (daemon/inspect_fs_windows.ml of libguestfs 1.48): the
/// product name, version and installation type from the SOFTWARE hive; the drive
/// mappings, current control set and hostname from the SYSTEM hive. Both hives must
/// be files for either to be read.
struct WindowsRegistry {
    let daemon: Daemon
    let files: GuestFiles

    func check(systemroot: String, _ data: inout InspectionData) throws(CallError) {
        data.windowsSoftwareHive = hive(systemroot + "/system32/config/software")
        data.windowsSystemHive = hive(systemroot + "/system32/config/system")
        guard let software = data.windowsSoftwareHive, let system = data.windowsSystemHive else { return }
        try readSoftware(try open(software), &data)
        try readSystem(try open(system), &data)
    }

    /// The hive's path as the guest spells it, when that is a regular file.
    private func hive(_ path: String) -> String? {
        guard let found = files.caseSensitivePath(path), files.isFile(found) else { return nil }
        return found
    }

    private func open(_ path: String) throws(CallError) -> RegistryHive {
        let host: ByteString
        do throws(SysError) { host = try daemon.sysroot.hostPath(ByteString(path)) } catch {
            throw CallError.perror("hivex: open: \(path)", error.errno)
        }
        return try RegistryHive(hostPath: host)
    }

    /// HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion. The version is
    /// CurrentMajorVersionNumber and CurrentMinorVersionNumber when both are there, else
    /// CurrentVersion parsed; without any of them the installation type is not read.
    private func readSoftware(_ h: RegistryHive, _ data: inout InspectionData) throws(CallError) {
        guard let node = try h.node(["Microsoft", "Windows NT", "CurrentVersion"]) else { return }
        let values = try h.values(node)
        func value(_ key: ByteString) -> RegistryHive.Item? { values.first { $0.key == key }?.value }
        if let v = value("ProductName") { data.productName = try h.string(v).description }
        if let major = value("CurrentMajorVersionNumber"), let minor = value("CurrentMinorVersionNumber") {
            data.version = (Int(try h.dword(major)), Int(try h.dword(minor)))
        } else if let v = value("CurrentVersion") {
            ReleaseFiles.parseVersion(try h.string(v).description, &data)
        } else {
            return
        }
        if let v = value("InstallationType") { data.productVariant = try h.string(v).description }
    }

    /// HKLM\SYSTEM: drive mappings, then Select\Current's control set and its
    /// Services\Tcpip\Parameters\Hostname.
    private func readSystem(_ h: RegistryHive, _ data: inout InspectionData) throws(CallError) {
        data.driveMappings = try DriveMappings(daemon: daemon).read(h)
        guard let select = try h.node(["Select"]), let current = try h.value(select, "Current") else { return }
        let controlSet = "ControlSet" + WindowsRegistry.threeDigits(try h.dword(current))
        data.windowsCurrentControlSet = controlSet
        guard let params = try h.node([controlSet, "Services", "Tcpip", "Parameters"]),
              let v = try h.values(params).first(where: { $0.key == "Hostname" })?.value else { return }
        data.hostname = try h.string(v)
    }

    /// printf's "%03ld" of a signed 32-bit value.
    static func threeDigits(_ n: Int32) -> String {
        let digits = String(n.magnitude)
        let padded = String(repeating: "0", count: max(0, (n < 0 ? 2 : 3) - digits.count)) + digits
        return n < 0 ? "-" + padded : padded
    }
}
