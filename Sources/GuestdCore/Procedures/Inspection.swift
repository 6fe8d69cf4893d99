import GuestProtocol

/// inspect_os and the inspect_get_* calls (daemon/inspect.ml of libguestfs 1.48):
/// answers come from what inspect_os stored; a field it did not find is "unknown" or
/// 0. Devices are stored by their appliance names and shown by the user's.
extension Daemon {
    func doInspectOS() throws(CallError) -> [ByteString] {
        inspected = try Inspector(daemon: self).inspectOS()
        return roots().map { ByteString($0) }
    }

    func doInspectGetRoots() throws(CallError) -> [ByteString] { roots().map { ByteString($0) } }
    func doInspectGetFormat(root: String) throws(CallError) -> ByteString { "installed" }
    func doInspectGetType(root: String) throws(CallError) -> ByteString { try field(root) { $0.osType } }
    func doInspectGetDistro(root: String) throws(CallError) -> ByteString { try field(root) { $0.distro?.rawValue } }
    func doInspectGetPackageFormat(root: String) throws(CallError) -> ByteString { try field(root) { $0.packageFormat } }
    func doInspectGetPackageManagement(root: String) throws(CallError) -> ByteString { try field(root) { $0.packageManagement } }
    func doInspectGetProductName(root: String) throws(CallError) -> ByteString { try field(root) { $0.productName } }
    func doInspectGetProductVariant(root: String) throws(CallError) -> ByteString { try field(root) { $0.productVariant } }
    func doInspectGetArch(root: String) throws(CallError) -> ByteString { try field(root) { $0.arch } }
    /// The hostname is the guest file's bytes.
    func doInspectGetHostname(root: String) throws(CallError) -> ByteString { try inspectedRoot(root).hostname ?? "unknown" }

    func doInspectGetMajorVersion(root: String) throws(CallError) -> Int32 {
        Int32(clamping: try inspectedRoot(root).version?.major ?? 0)
    }

    func doInspectGetMinorVersion(root: String) throws(CallError) -> Int32 {
        Int32(clamping: try inspectedRoot(root).version?.minor ?? 0)
    }

    func doInspectGetWindowsSystemroot(root: String) throws(CallError) -> ByteString {
        try windows(root, \.windowsSystemroot, "not a Windows guest, or systemroot could not be determined")
    }
    func doInspectGetWindowsSoftwareHive(root: String) throws(CallError) -> ByteString {
        try windows(root, \.windowsSoftwareHive, "not a Windows guest, or software hive not found")
    }
    func doInspectGetWindowsSystemHive(root: String) throws(CallError) -> ByteString {
        try windows(root, \.windowsSystemHive, "not a Windows guest, or system hive not found")
    }
    func doInspectGetWindowsCurrentControlSet(root: String) throws(CallError) -> ByteString {
        try windows(root, \.windowsCurrentControlSet, "not a Windows guest, or CurrentControlSet could not be determined")
    }

    func doInspectIsLive(root: String) throws(CallError) -> Bool { false }
    func doInspectIsNetinst(root: String) throws(CallError) -> Bool { false }
    func doInspectIsMultipart(root: String) throws(CallError) -> Bool { false }

    /// Without fstab entries (a root whose fstab named nothing it could resolve) the
    /// root alone is "/". Mount points are the fstab's bytes.
    func doInspectGetMountpoints(root: String) throws(CallError) -> [(ByteString, ByteString)] {
        let fstab = try inspectedRoot(root).fstab
        if fstab.isEmpty { return [("/", ByteString(devices.reverse(root)))] }
        return fstab.filter { $0.mountpoint.hasPrefix("/") }.map { ($0.mountpoint, ByteString(devices.reverse($0.device))) }
    }

    func doInspectGetFilesystems(root: String) throws(CallError) -> [ByteString] {
        let fstab = try inspectedRoot(root).fstab
        return (fstab.isEmpty ? [root] : fstab.map(\.device)).map { ByteString(devices.reverse($0)) }
    }

    /// Drive letters and the partitions they name, in the registry's order.
    func doInspectGetDriveMappings(root: String) throws(CallError) -> [(ByteString, ByteString)] {
        try inspectedRoot(root).driveMappings.map { (ByteString($0.letter), ByteString(devices.reverse($0.device))) }
    }

    /// A string field of the root's data, "unknown" when inspection found none.
    private func field(_ root: String, _ get: (InspectionData) -> String?) throws(CallError) -> ByteString {
        ByteString(get(try inspectedRoot(root)) ?? "unknown")
    }

    /// A Windows field, or the call's error when inspection found none.
    private func windows(_ root: String, _ field: KeyPath<InspectionData, String?>, _ message: ByteString) throws(CallError) -> ByteString {
        guard let value = try inspectedRoot(root)[keyPath: field] else { throw CallError(message) }
        return ByteString(value)
    }

    /// inspect_get_roots: the roots in the order inspect_os met them.
    private func roots() -> [String] { inspected.compactMap { $0.rootData == nil ? nil : devices.reverse($0.device) } }

    /// search_for_root, with its texts; `root` is the appliance's name, as the real
    /// daemon's message shows it.
    private func inspectedRoot(_ root: String) throws(CallError) -> InspectionData {
        guard !inspected.isEmpty else { throw CallError("no inspection data: call guestfs_inspect_os first") }
        guard let data = inspected.first(where: { $0.device == root })?.rootData else {
            throw CallError("\(root): root device not found: only call this function with a root device previously returned by guestfs_inspect_os")
        }
        return data
    }
}
