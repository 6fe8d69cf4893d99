import GuestProtocol

/// inspect_os and the inspect_get_* calls (daemon/inspect.ml of libguestfs 1.48):
/// answers come from what inspect_os stored; a field it did not find is "unknown" or
/// 0. Devices are stored by their appliance names and shown by the user's.
extension Daemon {
    static let inspectionProcedures: [(Procedure, Handler)] = [
        (.inspectOS, { d, _ throws(CallError) in
            d.inspected = try Inspector(daemon: d).inspectOS()
            return Reply.strings(d.roots())
        }),
        (.inspectGetRoots, { d, _ throws(CallError) in Reply.strings(d.roots()) }),
        (.inspectGetFormat, { _, _ throws(CallError) in Reply.string("installed") }),
        (.inspectGetType, field { $0.osType }),
        (.inspectGetDistro, field { $0.distro?.rawValue }),
        (.inspectGetPackageFormat, field { $0.packageFormat }),
        (.inspectGetPackageManagement, field { $0.packageManagement }),
        (.inspectGetProductName, field { $0.productName }),
        (.inspectGetProductVariant, field { $0.productVariant }),
        (.inspectGetArch, field { $0.arch }),
        // The hostname is the guest file's bytes.
        (.inspectGetHostname, { d, c throws(CallError) in Reply.string(try d.inspectedRoot(c.text(0)).hostname ?? "unknown") }),
        (.inspectGetMajorVersion, { d, c throws(CallError) in
            Reply.int(Int32(clamping: try d.inspectedRoot(c.text(0)).version?.major ?? 0))
        }),
        (.inspectGetMinorVersion, { d, c throws(CallError) in
            Reply.int(Int32(clamping: try d.inspectedRoot(c.text(0)).version?.minor ?? 0))
        }),
        (.inspectGetWindowsSystemroot, windows("not a Windows guest, or systemroot could not be determined")),
        (.inspectGetWindowsSoftwareHive, windows("not a Windows guest, or software hive not found")),
        (.inspectGetWindowsSystemHive, windows("not a Windows guest, or system hive not found")),
        (.inspectGetWindowsCurrentControlSet, windows("not a Windows guest, or CurrentControlSet could not be determined")),
        (.inspectIsLive, { _, _ throws(CallError) in Reply.bool(false) }),
        (.inspectIsNetinst, { _, _ throws(CallError) in Reply.bool(false) }),
        (.inspectIsMultipart, { _, _ throws(CallError) in Reply.bool(false) }),
        // Without fstab entries (a root whose fstab named nothing it could resolve)
        // the root alone is "/". Mount points are the fstab's bytes.
        (.inspectGetMountpoints, { d, c throws(CallError) in
            let root = c.text(0)
            let fstab = try d.inspectedRoot(root).fstab
            if fstab.isEmpty { return Reply.hashtable([("/", d.devices.reverse(root))]) }
            return Reply.hashtable(fstab.filter { $0.mountpoint.hasPrefix("/") }.map { ($0.mountpoint, ByteString(d.devices.reverse($0.device))) })
        }),
        (.inspectGetFilesystems, { d, c throws(CallError) in
            let root = c.text(0)
            let fstab = try d.inspectedRoot(root).fstab
            return Reply.strings((fstab.isEmpty ? [root] : fstab.map(\.device)).map { d.devices.reverse($0) })
        }),
        (.inspectGetDriveMappings, { d, c throws(CallError) in _ = try d.inspectedRoot(c.text(0)); return Reply.hashtable([] as [(String, String)]) }),
    ]

    /// A string field of the root's data, "unknown" when inspection found none.
    private static func field(_ get: @escaping @Sendable (InspectionData) -> String?) -> Handler {
        { d, c throws(CallError) in Reply.string(get(try d.inspectedRoot(c.text(0))) ?? "unknown") }
    }

    /// The Windows fields: never found on the Linux guests this inspection knows.
    private static func windows(_ message: ByteString) -> Handler {
        { d, c throws(CallError) in _ = try d.inspectedRoot(c.text(0)); throw CallError(message) }
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
