/// Inspection (generator/actions_inspection*.ml of libguestfs 1.48; the numbers are
/// proc_nr.ml's). Every call but inspect_os and inspect_get_roots takes a root that
/// inspect_os returned.
extension Procedure {
    public static let inspectOS = Procedure("inspect_os", 480, [], .stringList)
    public static let inspectGetRoots = Procedure("inspect_get_roots", 481, [], .stringList)
    public static let inspectGetFormat = Procedure("inspect_get_format", 482, [.mountable], .string)
    public static let inspectGetType = Procedure("inspect_get_type", 483, [.mountable], .string)
    public static let inspectGetDistro = Procedure("inspect_get_distro", 484, [.mountable], .string)
    public static let inspectGetPackageFormat = Procedure("inspect_get_package_format", 485, [.mountable], .string)
    public static let inspectGetPackageManagement = Procedure("inspect_get_package_management", 486, [.mountable], .string)
    public static let inspectGetProductName = Procedure("inspect_get_product_name", 487, [.mountable], .string)
    public static let inspectGetProductVariant = Procedure("inspect_get_product_variant", 488, [.mountable], .string)
    public static let inspectGetMajorVersion = Procedure("inspect_get_major_version", 489, [.mountable], .int)
    public static let inspectGetMinorVersion = Procedure("inspect_get_minor_version", 490, [.mountable], .int)
    public static let inspectGetArch = Procedure("inspect_get_arch", 491, [.mountable], .string)
    public static let inspectGetHostname = Procedure("inspect_get_hostname", 492, [.mountable], .string)
    public static let inspectGetWindowsSystemroot = Procedure("inspect_get_windows_systemroot", 493, [.mountable], .string)
    public static let inspectGetWindowsSoftwareHive = Procedure("inspect_get_windows_software_hive", 494, [.mountable], .string)
    public static let inspectGetWindowsSystemHive = Procedure("inspect_get_windows_system_hive", 495, [.mountable], .string)
    public static let inspectGetWindowsCurrentControlSet = Procedure("inspect_get_windows_current_control_set", 496, [.mountable], .string)
    public static let inspectIsLive = Procedure("inspect_is_live", 497, [.mountable], .bool)
    public static let inspectIsNetinst = Procedure("inspect_is_netinst", 498, [.mountable], .bool)
    public static let inspectIsMultipart = Procedure("inspect_is_multipart", 499, [.mountable], .bool)
    public static let inspectGetMountpoints = Procedure("inspect_get_mountpoints", 500, [.mountable], .hashtable)
    public static let inspectGetFilesystems = Procedure("inspect_get_filesystems", 501, [.mountable], .stringList)
    public static let inspectGetDriveMappings = Procedure("inspect_get_drive_mappings", 502, [.mountable], .hashtable)

    static let inspection: [Procedure] = [
        inspectOS, inspectGetRoots, inspectGetFormat, inspectGetType, inspectGetDistro, inspectGetPackageFormat,
        inspectGetPackageManagement, inspectGetProductName, inspectGetProductVariant, inspectGetMajorVersion,
        inspectGetMinorVersion, inspectGetArch, inspectGetHostname, inspectGetWindowsSystemroot,
        inspectGetWindowsSoftwareHive, inspectGetWindowsSystemHive, inspectGetWindowsCurrentControlSet,
        inspectIsLive, inspectIsNetinst, inspectIsMultipart, inspectGetMountpoints, inspectGetFilesystems,
        inspectGetDriveMappings,
    ]
}
