/// The ARRAY lines of a guest's mdadm.conf as Augeas's Mdadm_conf lens reads them (what
/// inspection maps /dev/mdN fstab entries through): the keyword ARR, ARRA or ARRAY in
/// any case, words separated by blanks, a line continued by one that starts with a
/// blank, "#" starting a comment.
public enum MDAdmConf {
    public struct Array: Equatable, Sendable {
        /// The words without "=": the lens keeps each as a devicename node.
        public var deviceNames: [String]
        /// uuid= values (the key in any case).
        public var uuids: [String]
    }

    public static func arrays(in text: String) -> [Array] {
        // Join continuation lines onto the line they continue.
        var logical: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.prefix { $0 != "#" }
            if let first = raw.first, first == " " || first == "\t", !logical.isEmpty {
                logical[logical.count - 1] += " " + line
            } else {
                logical.append(String(line))
            }
        }
        var result: [Array] = []
        for line in logical {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let keyword = words.first, ["arr", "arra", "array"].contains(keyword.asciiLowercased()) else { continue }
            var array = Array(deviceNames: [], uuids: [])
            for word in words.dropFirst() {
                if let eq = word.firstIndex(of: "=") {
                    if word[..<eq].asciiLowercased() == "uuid" { array.uuids.append(String(word[word.index(after: eq)...])) }
                } else {
                    array.deviceNames.append(String(word))
                }
            }
            result.append(array)
        }
        return result
    }

    /// The guest's device name → array UUID (32 digits) of each ARRAY line with exactly
    /// one device name and one parseable UUID; other lines are ignored, as inspection
    /// ignores entries whose Augeas lookups fail.
    public static func deviceUUIDs(in text: String) -> [(device: String, uuid: String)] {
        arrays(in: text).compactMap { a in
            guard a.deviceNames.count == 1, a.uuids.count == 1, let uuid = MDUUID.normalize(a.uuids[0]) else { return nil }
            return (a.deviceNames[0], uuid)
        }
    }
}
