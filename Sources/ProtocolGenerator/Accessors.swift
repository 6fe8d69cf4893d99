import GuestProtocol

extension Generator {
    /// `Procedure.chmod` and friends: one name per record, so code names a procedure
    /// without a second list to keep.
    static func accessors(_ table: [Procedure]) -> String {
        var out = banner + "\nextension Procedure {\n"
        for p in table {
            out += "    /// \(p.name) (\(p.number)): \(p.summary)\n"
            out += "    public static let \(SwiftName.camel(p.name)) = numbered(\(p.number))!\n"
        }
        return out + "}\n"
    }
}
