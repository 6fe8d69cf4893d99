/// `btrfs filesystem show DEVICE` read as btrfs_filesystem_show (daemon/btrfs.c of
/// libguestfs 1.48) reads it: after the "Label:" line, each "\tdevid … path DEVICE"
/// line gives a device; "Total devices", empty lines and an old version line are
/// skipped; "*** Some devices missing" or any other line is an error.
public enum BtrfsFilesystemShow {
    public enum Failure: Error, Equatable {
        /// The filesystem misses devices (the daemon's ENODEV error).
        case missingDevices
        case report(BtrfsReportError)
    }

    public static func devices(_ text: String) throws(Failure) -> [String] {
        let lines = OutputLines.split(text)
        guard lines.count >= 3 else {
            throw .report(BtrfsReportError("truncated output from 'btrfs filesystem show' command"))
        }
        var devices: [String] = []
        for line in lines.dropFirst() {
            if line.isEmpty || line.hasPrefix("Label: ") || line.hasPrefix("\tTotal devices ") { continue }
            if line.hasPrefix("\tdevid ") {
                guard let marker = line.firstRange(of: " path ") else { continue }
                devices.append(String(line[marker.upperBound...].prefix { $0 != " " }))
            } else if line.hasPrefix("\t*** Some devices missing") {
                throw .missingDevices
            } else if line.hasPrefix("btrfs-progs v") || line.hasPrefix("Btrfs v") {
                continue
            } else {
                throw .report(BtrfsReportError("unrecognized line in output from 'btrfs filesystem show': \(line)"))
            }
        }
        return devices
    }
}
