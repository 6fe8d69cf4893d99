import Foundation
import SystemCalls

/// qemu's machine protocol (QMP) over its unix socket: one JSON object a line. Used to
/// save a booted appliance, restore it and hot-plug the user's disks afterwards.
final class QMP {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private let timeout: Double

    /// Connects (qemu creates the socket a moment after it starts), reads the greeting
    /// and leaves capabilities negotiation mode.
    init(path: String, timeout: Double = 10, stillWaiting: () throws -> Void) throws {
        self.path = path
        self.timeout = timeout
        let deadline = Date().addingTimeInterval(timeout)
        var connected: Int32 = -1
        while connected < 0 {
            try stillWaiting()
            connected = (try? UnixSocket.connect(path)) ?? -1
            if connected < 0 {
                guard Date() < deadline else { throw ClientError.io(call: "connect", path: path, errno: ETIMEDOUT) }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
        fd = connected
        _ = try readObject()
        _ = try execute("qmp_capabilities")
    }

    /// Runs a command and returns its `return` value; an `error` reply is thrown.
    @discardableResult
    func execute(_ command: String, _ arguments: [String: Any]? = nil) throws -> Any {
        var message: [String: Any] = ["execute": command]
        if let arguments { message["arguments"] = arguments }
        let data = try JSONSerialization.data(withJSONObject: message) + Data("\n".utf8)
        try data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                // qemu may have exited (a state that does not load): EPIPE, not SIGPIPE.
                let n = retryingEINTR { send(fd, raw.baseAddress! + done, raw.count - done, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { throw ClientError.io(call: "write", path: path, errno: errno) }
                done += n
            }
        }
        while true {
            let reply = try readObject()
            if let value = reply["return"] { return value }
            if let error = reply["error"] as? [String: Any] {
                throw ClientError.usage("qemu refused \(command): \(error["desc"] as? String ?? "\(error)")")
            }
            // Anything else is an asynchronous event: not an answer.
        }
    }

    private func readObject() throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let end = buffer.firstIndex(of: 10) {
                let line = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                if line.allSatisfy({ $0 == 13 || $0 == 32 }) { continue }
                guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                    throw ClientError.protocolViolation("qemu's QMP sent \(String(decoding: line, as: UTF8.self))")
                }
                return object
            }
            try waitReadable(fd, path: path) {
                if Date() > deadline { throw ClientError.io(call: "read", path: path, errno: ETIMEDOUT) }
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = FileDescriptorIO.read(fd, into: &chunk)
            guard n > 0 else { throw ClientError.io(call: "read", path: path, errno: n == 0 ? ECONNRESET : errno) }
            buffer += chunk[..<n]
        }
    }

    deinit { close(fd) }
}
