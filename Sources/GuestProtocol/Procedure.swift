/// What a procedure's arguments hold, after libguestfs's generator types: enough for the
/// daemon to apply the stubs' checks (ABS_PATH, RESOLVE_DEVICE, NEED_ROOT …), for the
/// client to encode calls and for guestfish-style commands to parse their words.
public enum ArgumentKind: Sendable, Equatable {
    case string        // PlainString: an XDR string, no checks
    case pathname      // a guest path: absolute, needs a mounted root
    case device        // a device, translated (RESOLVE_DEVICE)
    case mountable     // a device that holds a filesystem (RESOLVE_MOUNTABLE)
    case devOrPath     // a device, or else a guest path (REQUIRE_ROOT_OR_RESOLVE_DEVICE)
    case mountableOrPath  // a mountable (a btrfs subvolume too), or else a guest path
    case fileIn        // a host file sent as chunks after the call; not in the arguments
    case fileOut       // a host file received as chunks after the reply; not in the arguments
    case stringList
    case filenameList  // names inside one directory: no "/" allowed
    case deviceList    // StringList (Device): each translated (RESOLVE_DEVICE)
    case bool
    case int           // int32
    case int64
    case buffer        // BufferIn: XDR opaque

    /// FileIn and FileOut travel outside the argument struct.
    public var isOnTheWire: Bool { self != .fileIn && self != .fileOut }
}

/// A named argument: the name is libguestfs's (generator/actions_*.ml), used for the
/// typed handler's parameter, the client's method and guestfish's `name:value` words.
public struct Argument: Sendable, Equatable {
    public let name: String
    public let kind: ArgumentKind

    public init(_ name: String, _ kind: ArgumentKind) {
        self.name = name
        self.kind = kind
    }
}

/// How guestfish prints an RInt (fish_output).
public enum FishOutput: Sendable, Equatable {
    case normal
    case hexadecimal
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

/// One daemon procedure: the single record from which the named accessors, guestd's
/// handler protocol and dispatcher, the client's calls and the CLI's help are generated
/// (scripts/generate-protocol). Numbers are libguestfs's (generator/proc_nr.ml); they
/// never change.
public struct Procedure: Sendable, Equatable {
    /// Numbers from here on are the appliance's own procedures, never libguestfs's (whose
    /// numbers are below 1000 and only ever grow by one).
    public static let ownNumbers: ClosedRange<UInt32> = 0x4150_0000 ... 0x4150_FFFF

    public let name: String
    public let number: UInt32
    /// Required arguments in call order, FileIn/FileOut included.
    public let parameters: [Argument]
    /// Optional arguments follow the required ones in the XDR struct; bit `i` of the
    /// header's bitmask says the caller set the `i`th, so this order is the wire's.
    public let optionals: [Argument]
    public let returns: ReturnKind
    /// The optional group (libguestfs's `optional = Some …`) internal_feature_available names.
    public let group: String?
    public let output: FishOutput
    /// One line, after libguestfs 1.48's shortdesc: the CLI's help.
    public let summary: String

    public init(_ name: String, _ number: UInt32, _ parameters: KeyValuePairs<String, ArgumentKind>, _ returns: ReturnKind,
                optionals: KeyValuePairs<String, ArgumentKind> = [:], group: String? = nil, output: FishOutput = .normal,
                _ summary: String) {
        self.name = name
        self.number = number
        self.parameters = parameters.map { Argument($0.key, $0.value) }
        self.returns = returns
        self.optionals = optionals.map { Argument($0.key, $0.value) }
        self.group = group
        self.output = output
        self.summary = summary
    }

    /// An unnamed procedure (tests that send numbers guestd does not serve).
    public init(_ name: String, _ number: UInt32, _ arguments: [ArgumentKind], _ returns: ReturnKind) {
        self.name = name
        self.number = number
        self.parameters = arguments.enumerated().map { Argument("arg\($0.offset)", $0.element) }
        self.returns = returns
        self.optionals = []
        self.group = nil
        self.output = .normal
        self.summary = ""
    }

    public var arguments: [ArgumentKind] { parameters.map(\.kind) }
    /// guestfish prints this RInt in hexadecimal.
    public var hexOutput: Bool { output == .hexadecimal }
    /// The daemon streams a file to the client after an OK reply.
    public var fileOut: Bool { arguments.contains(.fileOut) }
    /// The client streams a file to the daemon after the call, before the reply.
    public var fileIn: Bool { arguments.contains(.fileIn) }
    /// The arguments in the XDR struct, in order (optional ones follow).
    public var wireArguments: [ArgumentKind] { arguments.filter(\.isOnTheWire) }
    /// The same, named.
    public var wireParameters: [Argument] { parameters.filter(\.kind.isOnTheWire) }
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
