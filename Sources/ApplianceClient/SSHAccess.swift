import ApplianceKernelWords
import Glibc
import SystemCalls

/// How the host reaches an `--ssh` appliance: the user's public key, which the guest's
/// server alone accepts, and the host port qemu forwards to the guest's port 22.
///
/// The key travels on the kernel command line as `appliance.ssh=TYPE:BASE64` (a word
/// holds no space, so a colon takes the key line's): an ed25519 key is about 80
/// characters, an ECDSA P-521 one about 230, well inside x86's 2 KiB limit. SwiftNIO
/// SSH, the guest's server, verifies only ed25519 and ECDSA signatures, so RSA and DSA
/// keys are refused here, before booting, rather than at login.
public struct SSHAccess: Sendable, Equatable {
    public var keyType: String
    public var keyBase64: String
    /// The .pub file given; the printed ssh command names the private key beside it.
    public var publicKeyFile: String
    public var hostPort: UInt16

    public static let supportedTypes = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"]
    /// Where `--ssh-key` defaults to, in this order: the first that exists is used.
    public static let defaultKeyNames = ["id_ed25519.pub", "id_ecdsa.pub"]

    public enum KeyError: Error, CustomStringConvertible {
        case unreadable(path: String, errno: Int32)
        case notAPublicKey(path: String)
        case unsupportedType(path: String, type: String)
        case noDefaultKey(directory: String)

        public var description: String {
            switch self {
            case let .unreadable(path, e): "--ssh-key \(path): \(Errno(e))"
            case let .notAPublicKey(path): "--ssh-key \(path): not an OpenSSH public key line (TYPE BASE64 [COMMENT]); give the .pub file"
            case let .unsupportedType(path, type):
                "--ssh-key \(path): \(type) keys are not supported by the appliance's SSH server; use an ed25519 or ECDSA key (ssh-keygen -t ed25519)"
            case let .noDefaultKey(dir):
                "--ssh needs a public key: none of \(SSHAccess.defaultKeyNames.joined(separator: ", ")) in \(dir); make one with ssh-keygen -t ed25519 or name one with --ssh-key"
            }
        }
    }

    public init(keyType: String, keyBase64: String, publicKeyFile: String, hostPort: UInt16) {
        self.keyType = keyType
        self.keyBase64 = keyBase64
        self.publicKeyFile = publicKeyFile
        self.hostPort = hostPort
    }

    /// Reads and checks the public key file (first line: `TYPE BASE64 [COMMENT]`).
    public init(publicKeyFile path: String, hostPort: UInt16) throws(KeyError) {
        guard let f = fopen(path, "re") else { throw .unreadable(path: path, errno: errno) }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 16384)
        guard fgets(&buf, Int32(buf.count), f) != nil else { throw .notAPublicKey(path: path) }
        let line = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard words.count >= 2, Self.isKeyType(words[0]), Self.isBase64(words[1]) else { throw .notAPublicKey(path: path) }
        guard Self.supportedTypes.contains(String(words[0])) else { throw .unsupportedType(path: path, type: String(words[0])) }
        self.init(keyType: String(words[0]), keyBase64: String(words[1]), publicKeyFile: path, hostPort: hostPort)
    }

    /// The first default key in `home`/.ssh.
    public static func defaultKeyFile(home: String) throws(KeyError) -> String {
        let dir = home + "/.ssh"
        for name in defaultKeyNames where access(dir + "/" + name, R_OK) == 0 { return dir + "/" + name }
        throw .noDefaultKey(directory: dir)
    }

    /// The key as the kernel word carries it.
    public var publicKey: SSHPublicKey { SSHPublicKey(type: keyType, base64: keyBase64) }

    /// The kernel word guestd starts the server from.
    public var kernelWord: String { KernelWords(sshKey: publicKey).words.joined() }

    public var privateKeyFile: String { publicKeyFile.hasSuffix(".pub") ? String(publicKeyFile.dropLast(4)) : publicKeyFile }

    /// What to type to reach the appliance (the host key is new at every launch).
    public var commandLine: String { "ssh -p \(hostPort) -i \(privateKeyFile) root@127.0.0.1" }

    /// On a tap network nothing is forwarded: the guest's own address, port 22.
    public func commandLine(guestAddress: String) -> String { "ssh -i \(privateKeyFile) root@\(guestAddress)" }

    /// A port on 127.0.0.1 that is free now: bind port 0, read it back, close. qemu binds
    /// it moments later; another program could take it in between, which qemu reports.
    public static func freePort() throws(KeyError) -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .unreadable(path: "socket AF_INET", errno: errno) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw .unreadable(path: "bind 127.0.0.1:0", errno: errno) }
        return UInt16(bigEndian: addr.sin_port)
    }

    /// "ssh-ed25519", "ecdsa-sha2-nistp256", "sk-ssh-ed25519@openssh.com": lower case, not "-----BEGIN".
    static func isKeyType<S: StringProtocol>(_ s: S) -> Bool {
        guard let first = s.utf8.first, first != UInt8(ascii: "-") else { return false }
        return s.utf8.allSatisfy { c in (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x40 || c == 0x2E }
    }

    static func isBase64<S: StringProtocol>(_ s: S) -> Bool {
        !s.isEmpty && s.utf8.count <= 1024 && s.utf8.allSatisfy { c in
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2B || c == 0x2F || c == 0x3D
        }
    }
}
