import GuestProtocol

/// guestfish-style commands (`list-devices`, `mount-ro /dev/sda1 /`, `cat /etc/hostname` …)
/// run against a session, printing results as guestfish prints them.
public struct Command: Sendable {
    public let name: String
    public let parameters: [String]
    public let summary: String
    let run: @Sendable (Session, [String], (String) -> Void) throws -> Void

    /// guestfish prints RString as "%s\n" and RStringList as one line per element.
    static func lines(_ list: [String], _ out: (String) -> Void) { for l in list { out(l + "\n") } }

    public static let all: [Command] = [
        Command(name: "ping-daemon", parameters: [], summary: "check that the daemon answers") { s, _, _ in try s.pingDaemon() },
        Command(name: "list-devices", parameters: [], summary: "list the disks, in the order they were added") { s, _, out in
            lines(try s.listDevices(), out)
        },
        Command(name: "list-partitions", parameters: [], summary: "list the partitions of every disk") { s, _, out in
            lines(try s.listPartitions(), out)
        },
        Command(name: "vfs-type", parameters: ["MOUNTABLE"], summary: "the filesystem type on a device (libblkid)") { s, a, out in
            out(try s.vfsType(a[0]) + "\n")
        },
        Command(name: "mount", parameters: ["MOUNTABLE", "MOUNTPOINT"], summary: "mount a filesystem read-write") { s, a, _ in
            try s.mount(a[0], a[1])
        },
        Command(name: "mount-ro", parameters: ["MOUNTABLE", "MOUNTPOINT"], summary: "mount a filesystem read-only") { s, a, _ in
            try s.mountRO(a[0], a[1])
        },
        Command(name: "umount-all", parameters: [], summary: "unmount every filesystem") { s, _, _ in try s.umountAll() },
        Command(name: "ls", parameters: ["DIRECTORY"], summary: "list a directory, sorted") { s, a, out in
            lines(try s.ls(a[0]), out)
        },
        Command(name: "cat", parameters: ["PATH"], summary: "print a file (as guestfish: up to a NUL, then a newline)") { s, a, out in
            let bytes = try s.readFile(a[0])
            out(String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) + "\n")
        },
        Command(name: "sync", parameters: [], summary: "flush writes to the disks") { s, _, _ in try s.sync() },
    ]

    public static func named(_ name: String) -> Command? {
        let n = name.replacingUnderscores()
        return all.first { $0.name == n }
    }

    /// Splits `CMD ARGS : CMD ARGS …` into commands, checking names and argument counts
    /// before anything boots.
    public static func parseChain(_ words: [String]) throws -> [(Command, [String])] {
        var chain: [(Command, [String])] = []
        var current: [String] = []
        func flush() throws {
            guard let name = current.first else { return }
            guard let cmd = Command.named(name) else { throw ClientError.unknownCommand(name) }
            let args = Array(current.dropFirst())
            guard args.count == cmd.parameters.count else {
                throw ClientError.usage("\(cmd.name) takes \(cmd.parameters.count) argument(s): \(cmd.name) \(cmd.parameters.joined(separator: " "))")
            }
            chain.append((cmd, args))
            current = []
        }
        for w in words {
            if w == ":" { try flush() } else { current.append(w) }
        }
        try flush()
        return chain
    }

    public func run(on session: Session, arguments: [String], output: (String) -> Void) throws {
        try run(session, arguments, output)
    }
}

extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
