// The few words of /proc/cmdline init acts on. Everything else is for the kernel or for
// the root's /init (the kernel already passed unknown words to us as argv/envp).

/// Which device holds the appliance root.
enum RootSpec {
    /// root=UUID=<8-4-4-4-12 hex>: the ext2 superblock UUID, as 16 bytes.
    case uuid([UInt8])
    /// root=/dev/NAME: that node, as named.
    case path(String)

    var description: String {
        @export(interface) get {
            switch self {
            case .uuid(let bytes): return "UUID=\(formatUUID(bytes))"
            case .path(let path): return path
            }
        }
    }
}

struct KernelCommandLine {
    var root: RootSpec?
    var quiet = false
    /// appliance.roottimeout=SECONDS: how long to wait for the root device.
    var rootTimeoutSeconds = 30
    /// appliance.modules=a,b,c: load only these of /modules/load-order, still in its order.
    /// The host's launcher names what its machine and root medium need; without the word
    /// (libguestfs knows nothing of it) /modules/default says what to load.
    var onlyModules: [[UInt8]]? = nil
    /// guestfs_network=1: libguestfs's launcher asks for the network driver.
    var libguestfsNetwork = false
    /// appliance.alive: the host's launcher waits for a sign of life (it tells a KVM that
    /// hangs from one that runs) and init prints one even when quiet.
    var announceAlive = false
    /// Words init could not make sense of (bad UUID, bad number), reported by main.
    var problems: [String] = []

    @export(interface) init(_ text: [UInt8]) {
        for word in text.words(separatedBy: whitespace) {
            if word == Array("quiet".utf8) {
                quiet = true
            } else if word == Array("guestfs_network=1".utf8) {
                libguestfsNetwork = true
            } else if word == Array("appliance.alive".utf8) {
                announceAlive = true
            } else if let value = word.dropping(prefix: "root=UUID=") {
                if let uuid = parseUUID(value) {
                    root = .uuid(uuid)
                } else {
                    problems.append("root=UUID=\(value.string) is not a UUID like 01234567-89ab-cdef-0123-456789abcdef")
                }
            } else if let value = word.dropping(prefix: "root="), value.hasPrefix("/dev/") {
                root = .path(value.string)
            } else if let value = word.dropping(prefix: "root=") {
                problems.append("root=\(value.string) is neither UUID=… nor /dev/NAME")
            } else if let value = word.dropping(prefix: "appliance.modules=") {
                onlyModules = value.words(separatedBy: [UInt8(ascii: ",")])
            } else if let value = word.dropping(prefix: "appliance.roottimeout=") {
                if let seconds = parseDecimal(value) {
                    rootTimeoutSeconds = seconds
                } else {
                    problems.append("appliance.roottimeout=\(value.string) is not a number of seconds")
                }
            }
        }
    }
}

/// Canonical 8-4-4-4-12 hex, either case, to 16 bytes.
@export(interface) func parseUUID(_ text: [UInt8]) -> [UInt8]? {
    guard text.count == 36 else { return nil }
    var bytes: [UInt8] = []
    var high: UInt8? = nil
    for (index, char) in text.enumerated() {
        if index == 8 || index == 13 || index == 18 || index == 23 {
            guard char == UInt8(ascii: "-") else { return nil }
            continue
        }
        guard let nibble = hexValue(char) else { return nil }
        if let h = high {
            bytes.append(h << 4 | nibble)
            high = nil
        } else {
            high = nibble
        }
    }
    return bytes
}

@export(interface) func formatUUID(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for (index, byte) in bytes.enumerated() {
        if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0xF)])
    }
    return text.string
}

@export(interface) private func hexValue(_ char: UInt8) -> UInt8? {
    switch char {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return char - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return char - UInt8(ascii: "A") + 10
    default: return nil
    }
}

@export(interface) private func parseDecimal(_ text: [UInt8]) -> Int? {
    guard !text.isEmpty, text.count <= 9 else { return nil }
    var value = 0
    for char in text {
        guard char >= UInt8(ascii: "0") && char <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(char - UInt8(ascii: "0"))
    }
    return value
}
