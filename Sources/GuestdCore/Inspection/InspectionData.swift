import GuestProtocol

/// What inspection learns about one filesystem (daemon/inspect_types.ml of libguestfs
/// 1.48). Devices are the appliance's own names; replies translate them back. The
/// hostname and mount points are the guest files' bytes.
struct InspectionData {
    var osType: String?
    var distro: Distro?
    var packageFormat: String?
    var packageManagement: String?
    var productName: String?
    var productVariant: String?
    var version: (major: Int, minor: Int)?
    var arch: String?
    var hostname: ByteString?
    /// (device, mountpoint) in the order the real daemon keeps them: Augeas hands the
    /// fstab entries back last first.
    var fstab: [(device: String, mountpoint: ByteString)] = []
    /// Windows: guest paths as the guest spells them, the control set's name, and the
    /// drive letters of MountedDevices with the partitions they name.
    var windowsSystemroot: String?
    var windowsSoftwareHive: String?
    var windowsSystemHive: String?
    var windowsCurrentControlSet: String?
    var driveMappings: [(letter: String, device: String)] = []

    /// merge_inspection_data: the parent's fields win; the child's fill the gaps.
    mutating func merge(from child: InspectionData) {
        osType = osType ?? child.osType
        distro = distro ?? child.distro
        packageFormat = packageFormat ?? child.packageFormat
        packageManagement = packageManagement ?? child.packageManagement
        productName = productName ?? child.productName
        productVariant = productVariant ?? child.productVariant
        version = version ?? child.version
        arch = arch ?? child.arch
        hostname = hostname ?? child.hostname
        windowsSystemroot = windowsSystemroot ?? child.windowsSystemroot
        windowsSoftwareHive = windowsSoftwareHive ?? child.windowsSoftwareHive
        windowsSystemHive = windowsSystemHive ?? child.windowsSystemHive
        windowsCurrentControlSet = windowsCurrentControlSet ?? child.windowsCurrentControlSet
        if driveMappings.isEmpty { driveMappings = child.driveMappings }
        fstab = child.fstab + fstab
    }
}

/// One filesystem inspect_os looked at, and what it found there.
struct InspectedFilesystem {
    enum Role {
        case root(InspectionData)
        case usr(InspectionData)
        case swap
        case other
    }

    var device: String
    var vfsType: String
    var role: Role

    var rootData: InspectionData? { if case let .root(data) = role { data } else { nil } }
}

/// The distributions of inspect_types.ml, by their API names (string_of_distro).
enum Distro: String {
    case alpineLinux = "alpinelinux", altLinux = "altlinux", archLinux = "archlinux", buildroot, centos, cirros
    case coreos, debian, fedora, freebsd, freedos, frugalware, gentoo, kaliLinux = "kalilinux", kylin
    case linuxMint = "linuxmint", mageia, mandriva, meego, msdos, neokylin, netbsd, openbsd, openMandriva = "openmandriva"
    case opensuse, oracleLinux = "oraclelinux", pardus, pldLinux = "pldlinux", redhatBased = "redhat-based", rhel, rocky
    case scientificLinux = "scientificlinux", slackware, sles, suseBased = "suse-based", ttylinux, ubuntu
    case voidLinux = "voidlinux", windows

    /// check_package_format.
    var packageFormat: String? {
        switch self {
        case .altLinux, .centos, .rocky, .fedora, .mageia, .mandriva, .meego, .neokylin, .openMandriva, .opensuse,
             .oracleLinux, .redhatBased, .rhel, .scientificLinux, .sles, .suseBased: "rpm"
        case .debian, .kaliLinux, .kylin, .linuxMint, .ubuntu: "deb"
        case .archLinux: "pacman"
        case .gentoo: "ebuild"
        case .pardus: "pisi"
        case .alpineLinux: "apk"
        case .voidLinux: "xbps"
        default: nil
        }
    }

    /// check_package_management; `hasDnf` is /usr/bin/dnf being a file (Fedora ≥ 22).
    func packageManagement(major: Int, hasDnf: () -> Bool) -> String? {
        switch self {
        case .meego: return "yum"
        case .fedora: return major >= 22 && hasDnf() ? "dnf" : major >= 1 ? "yum" : nil
        case .neokylin, .openMandriva: return "dnf"
        case .centos, .rocky, .oracleLinux, .redhatBased, .rhel, .scientificLinux:
            return major >= 8 ? "dnf" : major >= 5 ? "yum" : major >= 2 ? "up2date" : nil
        case .altLinux, .debian, .kaliLinux, .kylin, .linuxMint, .ubuntu: return "apt"
        case .archLinux: return "pacman"
        case .gentoo: return "portage"
        case .pardus: return "pisi"
        case .mageia, .mandriva: return "urpmi"
        case .opensuse, .sles, .suseBased: return "zypper"
        case .alpineLinux: return "apk"
        case .voidLinux: return "xbps"
        default: return nil
        }
    }
}
