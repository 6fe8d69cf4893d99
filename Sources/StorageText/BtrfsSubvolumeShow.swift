/// `btrfs subvolume show` read as btrfs_subvolume_show (daemon/btrfs.c of libguestfs
/// 1.48) reads it: the first line is the subvolume's path ("path" → it), each further
/// line "Key: value" split at its first colon, white space before the key and the value
/// dropped, a value "-" given as empty; the lines after "Snapshot(s):" that have no colon
/// are the snapshots, joined with commas as that key's value. The first line with
/// neither (an empty key) or the end of the text ends the list.
public enum BtrfsSubvolumeShow {
    /// Keys and values, alternating, in the report's order (the call's hashtable).
    public static func parse(_ text: String) throws(BtrfsReportError) -> [String] {
        // The first line must end with a newline (or the report is "truncated").
        guard text.contains("\n") else { throw BtrfsReportError("truncated output: \(text)") }
        let lines = OutputLines.split(text)
        var result: [String] = []
        let first = split(lines[0])
        if let key = first.key, first.value == nil {
            result += ["path", key]
        } else {
            result += [first.key ?? "", first.value ?? ""]
        }
        var index = 1
        func next() -> (key: String?, value: String?) {
            defer { index += 1 }
            return index < lines.count ? split(lines[index]) : (nil, nil)
        }
        var line = next()
        while let key = line.key {
            if key.hasPrefix("Snapshot(s)") {
                result.append(key)
                var snapshots = ""
                line = next()
                while let name = line.key, line.value == nil {
                    if !snapshots.isEmpty { snapshots += "," }
                    snapshots += name
                    line = next()
                }
                result.append(snapshots)
            } else {
                result += [key, line.value.flatMap { $0 == "-" ? nil : $0 } ?? ""]
                line = next()
            }
        }
        return result
    }

    /// analyze_line: white space skipped, the key up to the first colon (none when the
    /// line starts with one), the value after it with its leading white space skipped.
    static func split(_ line: Substring) -> (key: String?, value: String?) {
        let trimmed = line.drop { $0.isASCII && CScan.isSpace(UInt8($0.asciiValue!)) }
        guard let colon = trimmed.firstIndex(of: ":") else { return (String(trimmed), nil) }
        let key = colon == trimmed.startIndex ? nil : String(trimmed[..<colon])
        let value = trimmed[trimmed.index(after: colon)...].drop { $0.isASCII && CScan.isSpace(UInt8($0.asciiValue!)) }
        return (key, String(value))
    }
}
