/// The value of `appliance.ssh=`: an OpenSSH public key as `TYPE:BASE64`. A kernel word
/// cannot hold the key line's space, so a colon stands for it; guestd hands the value
/// to appliance-sshd's --authorized-key as it is.
public struct SSHPublicKey: Sendable, Equatable {
    public var type: String
    public var base64: String

    public static let form = "TYPE:BASE64 (an OpenSSH public key, a colon for its space)"

    public init(type: String, base64: String) {
        self.type = type
        self.base64 = base64
    }

    /// `TYPE:BASE64`, split at the first colon; neither side may be empty or hold a blank.
    public init?(argument: String) {
        guard let colon = argument.firstIndex(of: ":") else { return nil }
        let type = String(argument[..<colon]), base64 = String(argument[argument.index(after: colon)...])
        guard !type.isEmpty, !base64.isEmpty, !argument.contains(" "), !argument.contains("\t") else { return nil }
        self.init(type: type, base64: base64)
    }

    public var argument: String { "\(type):\(base64)" }

    /// The OpenSSH public key line, `TYPE BASE64`.
    public var openSSHLine: String { "\(type) \(base64)" }
}
