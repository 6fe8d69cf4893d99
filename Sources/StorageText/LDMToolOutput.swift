/// ldmtool's JSON as the ldmtool_* calls read it (daemon/ldm.c of libguestfs 1.48):
/// `ldmtool scan` prints an array of disk group GUIDs, `show diskgroup` an object with
/// "name", "guid", "volumes" and "disks", `show volume` an object with "name", "guid",
/// "type", "size", "chunk-size", "hint" (only when the volume has one) and
/// "partitions". Each call takes one member; anything else is the daemon's error text,
/// which names the command (`what`) and the key.
public enum LDMToolOutput {
    public struct Failure: Error, Equatable, Sendable {
        public let message: String
    }

    /// The whole output as an array of strings (`ldmtool scan`).
    public static func stringList(_ output: some Collection<UInt8>, what: String) throws(Failure) -> [String] {
        guard let list = try parse(output).stringArray else {
            throw Failure(message: "output of '\(what)' was not a JSON array of strings")
        }
        return list
    }

    /// The string member `key`; with `nullIsEmpty` a JSON null reads as "".
    public static func string(_ output: some Collection<UInt8>, key: String, nullIsEmpty: Bool = false,
                              what: String) throws(Failure) -> String {
        let member = try parse(output)[key]
        if nullIsEmpty, member == .null { return "" }
        guard let s = member?.string else {
            throw Failure(message: "output of '\(what)' was not a JSON object containing a key '\(key)' of type string")
        }
        return s
    }

    /// The member `key` as an array of strings.
    public static func stringList(_ output: some Collection<UInt8>, key: String, what: String) throws(Failure) -> [String] {
        guard let list = try parse(output)[key]?.stringArray else {
            throw Failure(message: "output of '\(what)' was not a JSON object containing a key '\(key)' of type array of strings")
        }
        return list
    }

    private static func parse(_ output: some Collection<UInt8>) throws(Failure) -> JSONValue {
        do throws(JSONError) { return try JSON.parse(output) } catch {
            throw Failure(message: "parse error: \(error.text.isEmpty ? "unknown error" : error.text)")
        }
    }
}
