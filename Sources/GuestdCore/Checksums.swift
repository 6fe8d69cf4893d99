import Glibc

/// The digests checksum offers, computed natively where the real daemon runs cksum,
/// md5sum and sha*sum: each returns what those tools print before the first space.
enum Checksum {
    static func named(_ type: String) -> (any Digest)? {
        switch type.lowercased() {
        case "crc": CRC32Cksum()
        case "md5": MD5()
        case "sha1": SHA1()
        case "sha224": SHA256(truncatedTo224: true)
        case "sha256": SHA256(truncatedTo224: false)
        case "sha384": SHA512(truncatedTo384: true)
        case "sha512": SHA512(truncatedTo384: false)
        default: nil
        }
    }

    /// The tool the real daemon runs, for its error texts.
    static func program(_ type: String) -> String { type.lowercased() == "crc" ? "cksum" : type.lowercased() + "sum" }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}

protocol Digest {
    mutating func update(_ data: ArraySlice<UInt8>)
    mutating func finish() -> String
}

/// Merkle–Damgård framing shared by MD5 and the SHAs: full blocks go to `compress`,
/// the tail is padded with 0x80, zeroes and the bit length.
struct BlockBuffer {
    let blockSize: Int
    var pending: [UInt8] = []
    var length: UInt64 = 0

    mutating func feed(_ data: ArraySlice<UInt8>, _ compress: (ArraySlice<UInt8>) -> Void) {
        length &+= UInt64(data.count)
        var rest = data
        if !pending.isEmpty {
            let take = min(blockSize - pending.count, rest.count)
            pending += rest.prefix(take)
            rest = rest.dropFirst(take)
            if pending.count == blockSize { compress(pending[...]); pending.removeAll(keepingCapacity: true) }
        }
        while rest.count >= blockSize {
            compress(rest.prefix(blockSize))
            rest = rest.dropFirst(blockSize)
        }
        pending += rest
    }

    /// The final padded block(s); the length field is big-endian unless `littleEndian`.
    mutating func pad(littleEndian: Bool, lengthBytes: Int) -> [UInt8] {
        let bits = length &* 8
        var tail = pending + [0x80]
        while (tail.count + lengthBytes) % blockSize != 0 { tail.append(0) }
        var field = [UInt8](repeating: 0, count: lengthBytes)
        for i in 0 ..< 8 { field[lengthBytes - 1 - i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i))) }
        if littleEndian { field = field.reversed() }
        return tail + field
    }
}

@inline(__always) private func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }
@inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }
@inline(__always) private func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { x >> n | x << (64 - n) }

private func be32(_ b: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
    let s = b.startIndex + i
    return UInt32(b[s]) << 24 | UInt32(b[s + 1]) << 16 | UInt32(b[s + 2]) << 8 | UInt32(b[s + 3])
}

struct MD5: Digest {
    private var h: [UInt32] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]
    private var buffer = BlockBuffer(blockSize: 64)
    private static let s: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
    private static let k: [UInt32] = (0 ..< 64).map { i in
        UInt32(truncatingIfNeeded: Int64((abs(sin(Double(i + 1))) * 4294967296.0).rounded(.down)))
    }

    mutating func update(_ data: ArraySlice<UInt8>) { var b = buffer; b.feed(data) { compress($0) }; buffer = b }

    mutating func finish() -> String {
        let tail = buffer.pad(littleEndian: true, lengthBytes: 8)
        for i in stride(from: 0, to: tail.count, by: 64) { compress(tail[i ..< i + 64]) }
        return Checksum.hex(h.flatMap { v in (0 ..< 4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } })
    }

    private mutating func compress(_ block: ArraySlice<UInt8>) {
        let s0 = block.startIndex
        let m = (0 ..< 16).map { i in (0 ..< 4).reduce(UInt32(0)) { $0 | UInt32(block[s0 + 4 * i + $1]) << (8 * UInt32($1)) } }
        var a = h[0], b = h[1], c = h[2], d = h[3]
        for i in 0 ..< 64 {
            var f: UInt32, g: Int
            switch i {
            case 0 ..< 16: f = b & c | ~b & d; g = i
            case 16 ..< 32: f = d & b | ~d & c; g = (5 * i + 1) % 16
            case 32 ..< 48: f = b ^ c ^ d; g = (3 * i + 5) % 16
            default: f = c ^ (b | ~d); g = (7 * i) % 16
            }
            f = f &+ a &+ MD5.k[i] &+ m[g]
            a = d; d = c; c = b
            b = b &+ rotl(f, MD5.s[(i / 16) * 4 + i % 4])
        }
        h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d
    }
}

struct SHA1: Digest {
    private var h: [UInt32] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
    private var buffer = BlockBuffer(blockSize: 64)

    mutating func update(_ data: ArraySlice<UInt8>) { var b = buffer; b.feed(data) { compress($0) }; buffer = b }

    mutating func finish() -> String {
        let tail = buffer.pad(littleEndian: false, lengthBytes: 8)
        for i in stride(from: 0, to: tail.count, by: 64) { compress(tail[i ..< i + 64]) }
        return Checksum.hex(h.flatMap { v in (0 ..< 4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32($0))) } })
    }

    private mutating func compress(_ block: ArraySlice<UInt8>) {
        var w = (0 ..< 16).map { be32(block, 4 * $0) }
        for i in 16 ..< 80 { w.append(rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1)) }
        var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
        for i in 0 ..< 80 {
            let (f, k): (UInt32, UInt32) = switch i {
            case 0 ..< 20: (b & c | ~b & d, 0x5A827999)
            case 20 ..< 40: (b ^ c ^ d, 0x6ED9EBA1)
            case 40 ..< 60: (b & c | b & d | c & d, 0x8F1BBCDC)
            default: (b ^ c ^ d, 0xCA62C1D6)
            }
            let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
            e = d; d = c; c = rotl(b, 30); b = a; a = t
        }
        h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
    }
}

struct SHA256: Digest {
    private var h: [UInt32]
    private let words: Int
    private var buffer = BlockBuffer(blockSize: 64)
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    init(truncatedTo224: Bool) {
        h = truncatedTo224
            ? [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4]
            : [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        words = truncatedTo224 ? 7 : 8
    }

    mutating func update(_ data: ArraySlice<UInt8>) { var b = buffer; b.feed(data) { compress($0) }; buffer = b }

    mutating func finish() -> String {
        let tail = buffer.pad(littleEndian: false, lengthBytes: 8)
        for i in stride(from: 0, to: tail.count, by: 64) { compress(tail[i ..< i + 64]) }
        return Checksum.hex(h.prefix(words).flatMap { v in (0 ..< 4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32($0))) } })
    }

    private mutating func compress(_ block: ArraySlice<UInt8>) {
        var w = (0 ..< 16).map { be32(block, 4 * $0) }
        for i in 16 ..< 64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w.append(w[i - 16] &+ s0 &+ w[i - 7] &+ s1)
        }
        var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
        for i in 0 ..< 64 {
            let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (e & f ^ ~e & g) &+ SHA256.k[i] &+ w[i]
            let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ (a & b ^ a & c ^ b & c)
            hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
        }
        for (i, v) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] &+= v }
    }
}

struct SHA512: Digest {
    private var h: [UInt64]
    private let words: Int
    private var buffer = BlockBuffer(blockSize: 128)
    private static let k: [UInt64] = [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
        0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
        0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
        0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
        0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
        0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
        0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
        0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
        0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
        0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ]

    init(truncatedTo384: Bool) {
        h = truncatedTo384
            ? [0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
               0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4]
            : [0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
               0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179]
        words = truncatedTo384 ? 6 : 8
    }

    mutating func update(_ data: ArraySlice<UInt8>) { var b = buffer; b.feed(data) { compress($0) }; buffer = b }

    mutating func finish() -> String {
        let tail = buffer.pad(littleEndian: false, lengthBytes: 16)
        for i in stride(from: 0, to: tail.count, by: 128) { compress(tail[i ..< i + 128]) }
        return Checksum.hex(h.prefix(words).flatMap { v in (0 ..< 8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) } })
    }

    private mutating func compress(_ block: ArraySlice<UInt8>) {
        var w = (0 ..< 16).map { i in UInt64(be32(block, 8 * i)) << 32 | UInt64(be32(block, 8 * i + 4)) }
        for i in 16 ..< 80 {
            let s0 = rotr(w[i - 15], 1) ^ rotr(w[i - 15], 8) ^ (w[i - 15] >> 7)
            let s1 = rotr(w[i - 2], 19) ^ rotr(w[i - 2], 61) ^ (w[i - 2] >> 6)
            w.append(w[i - 16] &+ s0 &+ w[i - 7] &+ s1)
        }
        var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
        for i in 0 ..< 80 {
            let t1 = hh &+ (rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)) &+ (e & f ^ ~e & g) &+ SHA512.k[i] &+ w[i]
            let t2 = (rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)) &+ (a & b ^ a & c ^ b & c)
            hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
        }
        for (i, v) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] &+= v }
    }
}

/// POSIX cksum: CRC-32 (polynomial 0x04C11DB7, MSB first) over the data and then its
/// length in as few bytes as it takes, least significant first; printed in decimal.
struct CRC32Cksum: Digest {
    private var crc: UInt32 = 0
    private var length: UInt64 = 0
    private static let table: [UInt32] = (0 ..< 256).map { i in
        var c = UInt32(i) << 24
        for _ in 0 ..< 8 { c = c & 0x8000_0000 != 0 ? c << 1 ^ 0x04C1_1DB7 : c << 1 }
        return c
    }

    mutating func update(_ data: ArraySlice<UInt8>) {
        for b in data { crc = crc << 8 ^ CRC32Cksum.table[Int(UInt8(truncatingIfNeeded: crc >> 24) ^ b)] }
        length &+= UInt64(data.count)
    }

    mutating func finish() -> String {
        var n = length
        while n != 0 {
            crc = crc << 8 ^ CRC32Cksum.table[Int(UInt8(truncatingIfNeeded: crc >> 24) ^ UInt8(truncatingIfNeeded: n))]
            n >>= 8
        }
        return String(~crc)
    }
}
