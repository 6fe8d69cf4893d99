extension KernelWords {
    /// The appliance's words among a whole command line (/proc/cmdline): words are
    /// separated by blanks; the kernel's double quotes are not used by the launcher.
    public init(commandLine: String) {
        self.init(words: commandLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }))
    }

    /// Words that are not ours are skipped (they are the kernel's). A later word wins over
    /// an earlier one, as the kernel's own parameters do; a malformed value is recorded in
    /// `problems` and leaves the setting unset.
    public init<S: Sequence>(words: S) where S.Element: StringProtocol {
        self.init()
        for word in words {
            let word = String(word)
            switch word {
            case Name.alive: alive = true
            case Name.snapshot: snapshot = true
            case Name.libguestfsNetwork: libguestfsNetwork = true
            case Name.libguestfsVerbose: libguestfsVerbose = true
            case Name.libguestfsRescue: libguestfsRescue = true
            case Name.quiet: quiet = true
            default: parseValue(word)
            }
        }
    }

    private mutating func parseValue(_ word: String) {
        if let v = word.dropping(prefix: Name.rootUUID) {
            rootUUID = v
        } else if let v = word.dropping(prefix: Name.rootTimeout) {
            rootTimeoutSeconds = record(Name.rootTimeout, v, Int(decimal: v), expected: "a number of seconds")
        } else if let v = word.dropping(prefix: Name.modules) {
            modules = v.split(separator: ",").map(String.init)
        } else if let v = word.dropping(prefix: Name.network) {
            network = record(Name.network, v, NetworkSetting(argument: v), expected: NetworkSetting.form)
        } else if let v = word.dropping(prefix: Name.channel) {
            channel = record(Name.channel, v, Self.isTTYName(v) ? v : nil, expected: "a serial port's name, like ttyS1")
        } else if let v = word.dropping(prefix: Name.ssh) {
            sshKey = record(Name.ssh, v, SSHPublicKey(argument: v), expected: SSHPublicKey.form)
        }
    }

    /// The parsed value, or nil with the word noted in `problems`. Only the last word of
    /// a name counts, so it replaces an earlier word's problem.
    private mutating func record<T>(_ name: String, _ value: String, _ parsed: T?, expected: String) -> T? {
        problems.removeAll { $0.name == name }
        if parsed == nil { problems.append(Problem(name: name, value: value, expected: expected)) }
        return parsed
    }

    /// A /dev name without a path: letters, then digits (ttyS1).
    static func isTTYName(_ s: String) -> Bool {
        let letters = s.utf8.prefix { ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) }
        let digits = s.utf8.dropFirst(letters.count)
        return !letters.isEmpty && !digits.isEmpty && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The problems of one word, as `Name` spells it.
    public func problems(of name: String) -> [Problem] { problems.filter { $0.name == name } }

    /// A word of ours whose value could not be parsed.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The word's `name=` prefix, as in `Name`.
        public var name: String
        public var value: String
        /// The form the value should have.
        public var expected: String

        public var description: String { "\(name)\(value): expected \(expected)" }
    }
}

extension String {
    func dropping(prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}

extension Int {
    /// Plain decimal digits only (Int("+5") would take a sign), at most 9 of them as init.
    init?(decimal s: String) {
        guard !s.isEmpty, s.utf8.count <= 9, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        self.init(s)
    }
}
