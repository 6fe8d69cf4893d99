import Foundation
import GuestProtocol

/// guestfish-style commands (`list-devices`, `mount-ro /dev/sda1 /`, `cat /etc/hostname` …)
/// run against a session, printing results as guestfish prints them. Every procedure of
/// the table is a command with its own name and arguments, transfers included (the host
/// file's name in the transfer's place); the calls libguestfs builds on the library side
/// (cat, read-file, write, find, ls, lstatnslist, readlinklist, canonical-device-name)
/// are written out in LibraryCommands.swift.
public struct Command: Sendable {
    public let name: String
    public let parameters: [String]
    /// Optional `name:value` words that may follow the parameters.
    public let optionals: [String]
    public let summary: String
    let run: @Sendable (Session, [String], (String) -> Void) throws -> Void

    init(name: String, parameters: [String], optionals: [String] = [], summary: String,
         run: @escaping @Sendable (Session, [String], (String) -> Void) throws -> Void) {
        self.name = name
        self.parameters = parameters
        self.optionals = optionals
        self.summary = summary
        self.run = run
    }

    /// guestfish prints RString as "%s\n" and RStringList as one line per element.
    static func lines(_ list: [String], _ out: (String) -> Void) { for l in list { out(l + "\n") } }

    public static let all: [Command] = (librarySide + Procedure.all.compactMap(generated)).sorted { $0.name < $1.name }

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
            let extra = args.count - cmd.parameters.count
            guard extra >= 0, extra <= cmd.optionals.count else {
                let usage = ([cmd.name] + cmd.parameters + cmd.optionals.map { "[\($0):..]" }).joined(separator: " ")
                throw ClientError.usage("\(cmd.name) takes \(cmd.parameters.count) argument(s): \(usage)")
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
