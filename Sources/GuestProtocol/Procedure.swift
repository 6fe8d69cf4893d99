/// What a procedure's arguments and reply hold, enough to encode calls and print replies
/// the way guestfish does.
public enum ArgumentKind: Sendable, Equatable {
    case string        // String, Device, Pathname, Mountable …: an XDR string
    case stringList
    case bool
    case int           // int32
    case int64
}

public enum ReturnKind: Sendable, Equatable {
    case none
    case int
    case int64
    case bool
    case string
    case stringList
    case buffer        // RBufferOut: opaque
}

/// One daemon procedure. Numbers are libguestfs's (generator/proc_nr.ml); they never change.
public struct Procedure: Sendable, Equatable {
    public let name: String
    public let number: UInt32
    public let arguments: [ArgumentKind]
    public let returns: ReturnKind
    /// The daemon streams a file to the client after an OK reply (FileOut).
    public let fileOut: Bool

    public init(_ name: String, _ number: UInt32, _ arguments: [ArgumentKind], _ returns: ReturnKind,
                fileOut: Bool = false) {
        self.name = name
        self.number = number
        self.arguments = arguments
        self.returns = returns
        self.fileOut = fileOut
    }
}

extension Procedure {
    public static let mount = Procedure("mount", 1, [.string, .string], .none)
    public static let sync = Procedure("sync", 2, [], .none)
    public static let listDevices = Procedure("list_devices", 7, [], .stringList)
    public static let listPartitions = Procedure("list_partitions", 8, [], .stringList)
    public static let umountAll = Procedure("umount_all", 47, [], .none)
    public static let download = Procedure("download", 67, [.string], .none, fileOut: true)
    public static let mountRO = Procedure("mount_ro", 73, [.string, .string], .none)
    public static let pingDaemon = Procedure("ping_daemon", 92, [], .none)
    public static let vfsType = Procedure("vfs_type", 198, [.string], .string)
    public static let internalAutosync = Procedure("internal_autosync", 282, [], .none)
    public static let ls0 = Procedure("ls0", 347, [.string], .none, fileOut: true)

    /// The procedures guestd serves; everything else gets the real daemon's
    /// "unknown procedure number" error.
    public static let all: [Procedure] = [
        mount, sync, listDevices, listPartitions, umountAll, download, mountRO, pingDaemon, vfsType,
        internalAutosync, ls0,
    ]

    public static func named(_ name: String) -> Procedure? {
        let n = name.replacingDashes()
        return all.first { $0.name == n }
    }

    public static func numbered(_ number: UInt32) -> Procedure? { all.first { $0.number == number } }
}

extension String {
    /// guestfish accepts `list-devices` for `list_devices`.
    func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}
