import Glibc

/// mountable_t of the real daemon: a device, or a btrfs subvolume on one, written
/// "btrfsvol:/dev/sda2/root". Arguments arrive with the device already translated.
struct Mountable {
    var device: String
    var volume: String?

    static let btrfsPrefix = "btrfsvol:"

    /// A checked argument: "btrfsvol:DEVICE/VOLUME" or a plain device.
    init(_ text: String) {
        if text.hasPrefix(Self.btrfsPrefix), let slash = Self.volumeSlash(String(text.dropFirst(Self.btrfsPrefix.count))) {
            let rest = String(text.dropFirst(Self.btrfsPrefix.count))
            device = String(rest[..<slash])
            volume = String(rest[rest.index(after: slash)...])
        } else {
            device = text
            volume = nil
        }
    }

    init(device: String, volume: String?) {
        self.device = device
        self.volume = volume
    }

    var text: String { volume.map { Self.btrfsPrefix + device + "/" + $0 } ?? device }

    /// parse_btrfsvol: the device is the longest "/dev/…" prefix, cut at a "/", that is
    /// not a directory (so /dev/VG/LV/vol works); `resolve` translates a candidate.
    static func parseBtrfsVolume(_ text: String, resolve: (String) -> String?) -> Mountable? {
        guard text.hasPrefix("/dev/") else { return nil }
        var index = text.index(text.startIndex, offsetBy: 5)
        while let slash = text[index...].firstIndex(of: "/") {
            let candidate = String(text[..<slash])
            var st = stat()
            if let device = resolve(candidate), stat(device, &st) == 0, st.st_mode & S_IFMT != S_IFDIR {
                let volume = String(text[text.index(after: slash)...])
                return volume.isEmpty ? nil : Mountable(device: device, volume: volume)
            }
            index = text.index(after: slash)
        }
        return nil
    }

    /// Where a checked "DEVICE/VOLUME" splits: after the device node, which is a block
    /// device (the volume part may contain "/").
    private static func volumeSlash(_ rest: String) -> String.Index? {
        var index = rest.index(rest.startIndex, offsetBy: min(5, rest.count))
        while let slash = rest[index...].firstIndex(of: "/") {
            var st = stat()
            if stat(String(rest[..<slash]), &st) == 0, st.st_mode & S_IFMT != S_IFDIR { return slash }
            index = rest.index(after: slash)
        }
        return nil
    }
}
