/// What a procedure's arguments hold, after libguestfs's generator types: enough for the
/// daemon to apply the stubs' checks (ABS_PATH, RESOLVE_DEVICE, NEED_ROOT …), for the
/// client to encode calls and for guestfish-style commands to parse their words.
public enum ArgumentKind: Sendable, Equatable {
    case string        // PlainString: an XDR string, no checks
    case pathname      // a guest path: absolute, needs a mounted root
    case device        // a device, translated (RESOLVE_DEVICE)
    case mountable     // a device that holds a filesystem (RESOLVE_MOUNTABLE)
    case devOrPath     // a device, or else a guest path (REQUIRE_ROOT_OR_RESOLVE_DEVICE)
    case fileIn        // a host file sent as chunks after the call; not in the arguments
    case fileOut       // a host file received as chunks after the reply; not in the arguments
    case stringList
    case filenameList  // names inside one directory: no "/" allowed
    case bool
    case int           // int32
    case int64
    case buffer        // BufferIn: XDR opaque

    /// FileIn and FileOut travel outside the argument struct.
    public var isOnTheWire: Bool { self != .fileIn && self != .fileOut }
}

/// An optional argument: its guestfish name (`name:value`) and type. Optional arguments
/// always follow the required ones in the XDR struct; the header's bitmask says which
/// the caller set.
public struct OptionalArgument: Sendable, Equatable {
    public let name: String
    public let kind: ArgumentKind

    public init(_ name: String, _ kind: ArgumentKind) {
        self.name = name
        self.kind = kind
    }
}

public enum ReturnKind: Sendable, Equatable {
    case none
    case int
    case int64
    case bool
    case string
    case stringList
    case hashtable           // RHashtable: a string list of alternating keys and values
    case buffer              // RBufferOut: opaque
    case structure(StructLayout)
    case structList(StructLayout)
}

/// One daemon procedure. Numbers are libguestfs's (generator/proc_nr.ml); they never change.
public struct Procedure: Sendable, Equatable {
    public let name: String
    public let number: UInt32
    public let arguments: [ArgumentKind]
    public let optionals: [OptionalArgument]
    public let returns: ReturnKind
    /// guestfish prints this RInt in hexadecimal (fish_output = FishOutputHexadecimal).
    public let hexOutput: Bool

    public init(_ name: String, _ number: UInt32, _ arguments: [ArgumentKind], _ returns: ReturnKind,
                optionals: [OptionalArgument] = [], hexOutput: Bool = false) {
        self.name = name
        self.number = number
        self.arguments = arguments
        self.returns = returns
        self.optionals = optionals
        self.hexOutput = hexOutput
    }

    /// The daemon streams a file to the client after an OK reply.
    public var fileOut: Bool { arguments.contains(.fileOut) }
    /// The client streams a file to the daemon after the call, before the reply.
    public var fileIn: Bool { arguments.contains(.fileIn) }
    /// The arguments in the XDR struct, in order (optional ones follow).
    public var wireArguments: [ArgumentKind] { arguments.filter(\.isOnTheWire) }
}

extension Procedure {
    public static func named(_ name: String) -> Procedure? {
        let n = name.replacingDashes()
        return all.first { $0.name == n }
    }

    public static func numbered(_ number: UInt32) -> Procedure? { byNumber[number] }

    private static let byNumber: [UInt32: Procedure] = Dictionary(uniqueKeysWithValues: all.map { ($0.number, $0) })
}

extension String {
    /// guestfish accepts `list-devices` for `list_devices`.
    func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}
