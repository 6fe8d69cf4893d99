import GuestProtocol

/// What guestd does with guest paths and messages, on their bytes.
extension ByteString {
    /// The path's names, split at "/" (empty ones, from "//", dropped).
    var components: [ByteString] { bytes.split(separator: UInt8(ascii: "/")).map { ByteString($0) } }

    /// The names joined with "/" between them.
    static func joined(_ names: some Sequence<ByteString>) -> ByteString {
        ByteString(names.map(\.bytes).joined(separator: [UInt8(ascii: "/")]))
    }

    func contains(_ byte: UInt8) -> Bool { bytes.contains(byte) }

    /// Every occurrence of `old` replaced, left to right.
    func replacing(_ old: ByteString, with new: ByteString) -> ByteString {
        guard !old.isEmpty else { return self }
        var out: [UInt8] = [], i = 0
        while i < bytes.count {
            if bytes[i...].starts(with: old.bytes) {
                out += new.bytes
                i += old.bytes.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return ByteString(out)
    }
}
