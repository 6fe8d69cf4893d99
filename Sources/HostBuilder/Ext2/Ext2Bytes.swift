/// Little-endian stores into a fixed-size buffer: every on-disk ext2 structure is encoded
/// by writing fields at the offsets the format documents.
struct LEBuffer {
    var bytes: [UInt8]

    init(count: Int) { bytes = [UInt8](repeating: 0, count: count) }

    mutating func u8(_ offset: Int, _ value: UInt8) { bytes[offset] = value }

    mutating func u16(_ offset: Int, _ value: UInt16) {
        bytes[offset] = UInt8(truncatingIfNeeded: value)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
    }

    mutating func u32(_ offset: Int, _ value: UInt32) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    mutating func u64(_ offset: Int, _ value: UInt64) {
        for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    mutating func copy(_ offset: Int, _ source: some Collection<UInt8>) {
        var at = offset
        for b in source { bytes[at] = b; at += 1 }
    }
}

/// A bitmap block: bit n is byte n/8, bit n%8, as ext2 stores them.
struct Bitmap {
    var bytes: [UInt8]

    init(bytes count: Int) { bytes = [UInt8](repeating: 0, count: count) }

    mutating func set(_ bit: Int) { bytes[bit >> 3] |= 1 << UInt8(bit & 7) }

    mutating func set(_ range: Range<Int>) {
        var bit = range.lowerBound
        while bit < range.upperBound {
            if bit & 7 == 0, range.upperBound - bit >= 8 {
                bytes[bit >> 3] = 0xFF
                bit += 8
            } else {
                set(bit)
                bit += 1
            }
        }
    }

    func isSet(_ bit: Int) -> Bool { bytes[bit >> 3] & (1 << UInt8(bit & 7)) != 0 }
}
