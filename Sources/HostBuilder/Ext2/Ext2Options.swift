import Foundation

/// How an image is made. Without `size` it is sized from the manifest: the blocks and
/// inodes the contents need plus a quarter, plus 1 MiB. Without `uuid` and `hashSeed` they
/// derive from the image's content, so the same manifest gives the same bytes.
public struct Ext2Options: Sendable {
    /// The image size in bytes (rounded down to 4 KiB blocks), or nil to compute it.
    public var size: Int?
    public var label: String
    public var uuid: [UInt8]?
    public var hashSeed: [UInt8]?
    /// Timestamps newer than this are clamped to it, and entries without a time get it;
    /// defaults to $SOURCE_DATE_EPOCH.
    public var sourceDateEpoch: Int64?

    public init(size: Int? = nil, label: String = "", uuid: [UInt8]? = nil, hashSeed: [UInt8]? = nil,
                sourceDateEpoch: Int64? = Ext2Options.environmentEpoch()) {
        self.size = size
        self.label = label
        self.uuid = uuid
        self.hashSeed = hashSeed
        self.sourceDateEpoch = sourceDateEpoch
    }

    public static func environmentEpoch(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Int64? {
        env["SOURCE_DATE_EPOCH"].flatMap { Int64($0) }
    }

    /// "0f2c…" or "0f2c3a4e-…" (32 hex digits, dashes anywhere) → 16 bytes.
    public static func parseUUID(_ text: String) -> [UInt8]? {
        let hex = Array(text.filter { $0 != "-" }.utf8)
        guard hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: 32, by: 2) {
            guard let b = UInt8(String(decoding: hex[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(b)
        }
        return bytes
    }

    public static func formatUUID(_ b: [UInt8]) -> String {
        let hex = b.map { String(format: "%02x", $0) }.joined()
        let c = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(c[$0]) }.joined(separator: "-")
    }
}

/// What a write made.
public struct Ext2Summary: Sendable, Equatable {
    public var blocks: Int
    public var usedBlocks: Int
    public var inodes: Int
    public var usedInodes: Int
    public var bytesWritten: Int
    public var uuid: String
}
