/// Swift spellings of libguestfs's snake_case names: `mount_ro` is `mountRO`, as the
/// code that calls them has always spelled it.
enum SwiftName {
    /// Words written in capitals inside a camelCase name.
    static let acronyms: Set<Substring> = ["id", "uuid", "os", "ro", "rf", "sf"]

    static func camel(_ name: String) -> String {
        let words = name.split(separator: "_")
        guard let first = words.first else { return name }
        return String(first) + words.dropFirst().map { acronyms.contains($0) ? $0.uppercased() : $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
