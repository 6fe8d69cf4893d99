/// How a Linux root names its distribution and version: the release-file tests of
/// daemon/inspect_fs_unix.ml (libguestfs 1.48), tried in order; a parser that
/// succeeds ends the search, one that fails leaves what it set and the next is tried.
/// So Debian 12's os-release (VERSION_ID="12", minor 0) gives way to debian_version,
/// whose first line ("12.5") becomes the product name.
struct ReleaseFiles {
    let files: GuestFiles

    typealias Parser = @Sendable (ReleaseFiles, String, inout InspectionData) -> Bool

    /// linux_root_tests.
    static let linuxTests: [(String, Parser)] = [
        ("/etc/os-release", { $0.parseOSRelease($1, &$2) }),
        ("/etc/lsb-release", { $0.parseLSBRelease($1, &$2) }),
        ("/etc/openmandriva-release", generic(.openMandriva, #"OpenMandriva.*release (\d+)\.(\d+)\.?(\d+)? .*"#)),
        ("/etc/oracle-release", generic(.oracleLinux, #"Oracle Linux.*release (\d+).*Update (\d+)"#)),
        ("/etc/oracle-release", generic(.oracleLinux, #"Oracle Linux.*release (\d+)\.(\d+)"#)),
        ("/etc/oracle-release", generic(.oracleLinux, #"Oracle Linux.*release (\d+)"#)),
        ("/etc/centos-release", generic(.centos, #"CentOS.*release (\d+).*Update (\d+)"#)),
        ("/etc/centos-release", generic(.centos, #"CentOS.*release (\d+)\.(\d+)"#)),
        ("/etc/centos-release", generic(.centos, #"CentOS.*release (\d+)"#)),
        ("/etc/rocky-release", generic(.rocky, #"Rocky Linux.*release (\d+)\.(\d+)"#)),
        ("/etc/rocky-release", generic(.rocky, #"Rocky Linux.*release (\d+)"#)),
        ("/etc/altlinux-release", generic(.altLinux)),
        ("/etc/redhat-release", generic(.fedora, #"Fedora release (\d+)"#)),
        ("/etc/redhat-release", generic(.rhel, #"Red Hat.*release (\d+).*Update (\d+)"#)),
        ("/etc/redhat-release", generic(.rhel, #"Red Hat.*release (\d+)\.(\d+)"#)),
        ("/etc/redhat-release", generic(.rhel, #"Red Hat.*release (\d+)"#)),
        ("/etc/redhat-release", generic(.centos, #"CentOS.*release (\d+).*Update (\d+)"#)),
        ("/etc/redhat-release", generic(.centos, #"CentOS.*release (\d+)\.(\d+)"#)),
        ("/etc/redhat-release", generic(.centos, #"CentOS.*release (\d+)"#)),
        ("/etc/redhat-release", generic(.rocky, #"Rocky Linux.*release (\d+)\.(\d+)"#)),
        ("/etc/redhat-release", generic(.rocky, #"Rocky Linux.*release (\d+)"#)),
        ("/etc/redhat-release", generic(.scientificLinux, #"Scientific Linux.*release (\d+).*Update (\d+)"#)),
        ("/etc/redhat-release", generic(.scientificLinux, #"Scientific Linux.*release (\d+)\.(\d+)"#)),
        ("/etc/redhat-release", generic(.scientificLinux, #"Scientific Linux.*release (\d+)"#)),
        ("/etc/redhat-release", generic(.redhatBased)),
        ("/etc/redhat-release", { _, _, data in data.distro = .redhatBased; return true }),
        ("/etc/debian_version", generic(.debian)),
        ("/etc/pardus-release", generic(.pardus)),
        // arch-release is empty: nothing to read but the distribution.
        ("/etc/arch-release", { _, _, data in data.distro = .archLinux; return true }),
        ("/etc/gentoo-release", generic(.gentoo)),
        ("/etc/meego-release", generic(.meego)),
        ("/etc/slackware-version", generic(.slackware)),
        ("/etc/ttylinux-target", generic(.ttylinux)),
        ("/etc/SuSE-release", { $0.parseSuSERelease($1, &$2) }),
        ("/etc/SuSE-release", { _, _, data in data.distro = .suseBased; return true }),
        ("/etc/cirros/version", generic(.cirros)),
        ("/etc/br-version", { r, file, data in
            let distro: Distro = r.files.isFile("/usr/share/cirros/logo", followSymlinks: true) ? .cirros : .buildroot
            return r.parseGeneric(distro, nil, file, &data)
        }),
        ("/etc/alpine-release", generic(.alpineLinux)),
        ("/etc/frugalware-release", generic(.frugalware, #"Frugalware (\d+)\.(\d+)"#)),
        ("/etc/pld-release", generic(.pldLinux, #"(\d+)\.(\d+) PLD Linux"#)),
    ]

    private static func generic(_ distro: Distro, _ pattern: String? = nil) -> Parser {
        { r, file, data in r.parseGeneric(distro, pattern, file, &data) }
    }

    /// check_tests: each test whose file exists (symlinks followed) runs until one succeeds.
    func run(_ tests: [(String, Parser)], _ data: inout InspectionData) {
        for (file, parse) in tests where files.isFile(file, followSymlinks: true) {
            if parse(self, file, &data) { return }
        }
    }

    /// parse_os_release: ID, PRETTY_NAME and VERSION_ID. Fails (so older release files
    /// are read too) without a distribution or name, without a version, or with a
    /// major-only version on Debian, CentOS and Rocky; rolling distributions get 0.0.
    func parseOSRelease(_ file: String, _ data: inout InspectionData) -> Bool {
        guard let lines = files.smallFileLines(file) else { return false }
        for (key, value) in Unquote.keyValues(lines, unquote: Unquote.shell) {
            switch key {
            case "ID": if let d = ReleaseFiles.osReleaseDistro(value) { data.distro = d }
            case "PRETTY_NAME": data.productName = value
            case "VERSION_ID":
                if let m = ReleaseFiles.match(#"^V(\d+)Update(\d+)$"#, value), let major = m[0], let minor = m[1] {
                    data.version = (major, minor)  // NeoKylin
                } else {
                    ReleaseFiles.parseVersion(value, &data)
                }
            default: break
            }
        }
        guard let distro = data.distro, data.productName != nil else { return false }
        if [.debian, .centos, .rocky].contains(distro), data.version?.minor == 0 { return false }
        if data.version == nil, [.archLinux, .gentoo, .voidLinux].contains(distro) {
            data.version = (0, 0)
            return true
        }
        return data.version != nil
    }

    /// distro_of_os_release_id.
    static func osReleaseDistro(_ id: String) -> Distro? {
        switch id {
        case "alpine": .alpineLinux
        case "altlinux": .altLinux
        case "arch": .archLinux
        case "centos": .centos
        case "coreos": .coreos
        case "debian": .debian
        case "fedora": .fedora
        case "frugalware": .frugalware
        case "gentoo": .gentoo
        case "kali": .kaliLinux
        case "kylin": .kylin
        case "mageia": .mageia
        case "neokylin": .neokylin
        case "openmandriva": .openMandriva
        case "opensuse": .opensuse
        case "pardus": .pardus
        case "pld": .pldLinux
        case "rhel": .rhel
        case "rocky": .rocky
        case "sles", "sled": .sles
        case "ubuntu": .ubuntu
        case "void": .voidLinux
        default: id.hasPrefix("opensuse-") ? .opensuse : nil
        }
    }

    /// parse_lsb_release: succeeds on a known DISTRIB_ID or any DISTRIB_DESCRIPTION.
    func parseLSBRelease(_ file: String, _ data: inout InspectionData) -> Bool {
        guard let lines = files.smallFileLines(file) else { return false }
        var ok = false
        for (key, value) in Unquote.keyValues(lines, unquote: Unquote.simple) {
            switch key {
            case "DISTRIB_ID":
                let known: [String: Distro] = ["CoreOS": .coreos, "LinuxMint": .linuxMint, "Mageia": .mageia, "Ubuntu": .ubuntu]
                if let d = known[value] { data.distro = d; ok = true }
            case "DISTRIB_RELEASE": ReleaseFiles.parseVersion(value, &data)
            case "DISTRIB_DESCRIPTION": data.productName = value; ok = true
            default: break
            }
        }
        return ok
    }

    /// parse_suse_release: the first line names the product; SLES (and Novell Linux
    /// Desktop) carry VERSION and PATCHLEVEL on the next two, openSUSE a version.
    func parseSuSERelease(_ file: String, _ data: inout InspectionData) -> Bool {
        guard let lines = files.smallFileLines(file), let name = lines.first else { return false }
        data.productName = name
        if ReleaseFiles.match(#"^SUSE (Linux|LINUX) Enterprise "#, name) != nil
            || ReleaseFiles.match(#"^Novell Linux Desktop "#, name) != nil {
            let major: Int? = lines.count >= 2 ? ReleaseFiles.match(#"^VERSION = (\d+)"#, lines[1])?.first ?? nil : nil
            let minor: Int? = lines.count >= 3 ? ReleaseFiles.match(#"^PATCHLEVEL = (\d+)"#, lines[2])?.first ?? nil : nil
            data.distro = .sles
            data.version = major.map { ($0, minor ?? 0) }
        } else if ReleaseFiles.match(#"^(openSUSE|SuSE Linux|SUSE LINUX) "#, name) != nil {
            if lines.count >= 2 { ReleaseFiles.parseVersion(lines[1], &data) }
            data.distro = .opensuse
        }
        return true
    }

    /// parse_generic: the first line is the product name. With a pattern it must
    /// match, its groups giving major and minor; without one a version is looked for.
    func parseGeneric(_ distro: Distro, _ pattern: String?, _ file: String, _ data: inout InspectionData) -> Bool {
        let name = files.firstLine(file)
        guard !name.isEmpty else { return false }
        data.productName = name
        data.distro = distro
        guard let pattern else {
            ReleaseFiles.parseVersion(name, &data)
            return true
        }
        guard let groups = ReleaseFiles.match(pattern, name) else { return false }
        if let major = groups.first ?? nil { data.version = (major, groups.count > 1 ? groups[1] ?? 0 : 0) }
        return true
    }

    /// parse_version_from_major_minor: the first "N.M", else the first "N".
    static func parseVersion(_ s: String, _ data: inout InspectionData) {
        if let m = match(#"(\d+)\.(\d+)"#, s), let major = m[0], let minor = m[1] {
            data.version = (major, minor)
        } else if let m = match(#"(\d+)"#, s), let major = m[0] {
            data.version = (major, 0)
        }
    }

    /// The first match of a PCRE-style pattern: each group as a number (nil when it
    /// did not take part or is not a number), or nil when there is no match.
    static func match(_ pattern: String, _ s: String) -> [Int?]? {
        guard let regex = try? Regex(pattern), let m = try? regex.firstMatch(in: s) else { return nil }
        return (1 ..< m.output.count).map { i in m.output[i].substring.flatMap { Int($0) } }
    }

    static func matches(_ pattern: String, _ s: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return (try? regex.firstMatch(in: s)) != nil
    }

    /// The groups of the first match as text ("" for a group that took no part).
    static func groups(_ pattern: String, _ s: String) -> [String]? {
        guard let regex = try? Regex(pattern), let m = try? regex.firstMatch(in: s) else { return nil }
        return (1 ..< m.output.count).map { i in m.output[i].substring.map(String.init) ?? "" }
    }
}
