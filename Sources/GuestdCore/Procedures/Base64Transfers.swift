import Glibc
import GuestProtocol
import SystemCalls

/// base64_in and base64_out (daemon/base64.c), coded natively where the real daemon pipes
/// through base64(1).
extension Daemon {
    func doBase64In(filename: ByteString, fileIn: FileInReceiver?) throws(CallError) {
        let fd = try openForWriting(filename, flags: O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY)
        var decoder = Base64Decoder()
        guard let fileIn = fileIn else { close(fd); throw CallError("\(Procedure.base64In.stub): no file transfer") }
        let failure = try fileIn.receive { (data: [UInt8]) throws(SysError) in try Daemon.writeAll(fd, decoder.feed(data), filename) }
        switch failure {
        case .sinkFailed?: close(fd); throw CallError("write error on file: \(filename)")
        case .cancelledByLibrary?: close(fd); throw CallError("file upload cancelled")
        case nil:
            do throws(SysError) { try Daemon.writeAll(fd, decoder.finish(), filename) } catch {
                close(fd)
                throw CallError("base64 subcommand failed on file: \(filename)")
            }
            guard close(fd) == 0 else { throw CallError.perror("close", errno) }
            return
        }
    }

    func doBase64Out(filename: ByteString) throws(CallError) -> Answer {
        let st: stat
        do throws(SysError) { st = try sysroot.statFollowing(filename) } catch { throw CallError.perror("stat: \(filename)", error.errno) }
        guard !st.st_mode.isDirectory else { throw CallError("\(filename): is a directory") }
        let fd: Int32
        do throws(SysError) { fd = try sysroot.open(filename, flags: O_RDONLY) } catch { throw CallError.perror(filename, error.errno) }
        return .fileOut { stream in
            defer { close(fd) }
            var encoder = Base64Encoder()
            var buf = [UInt8](repeating: 0, count: 57 * 128)
            while true {
                let r = FileDescriptorIO.read(fd, into: &buf)
                if r < 0 { try stream.abort(); return }
                if r == 0 { break }
                try stream.write(encoder.feed(buf[0 ..< r]))
            }
            try stream.write(encoder.finish())
            try stream.finish()
        }
    }
}

private let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

/// base64(1)'s output: 76 characters a line, every line (the last too) ending in "\n".
struct Base64Encoder {
    private var pending: [UInt8] = []
    private var column = 0

    mutating func feed(_ data: ArraySlice<UInt8>) -> [UInt8] {
        pending += data
        let whole = pending.count / 3 * 3
        let out = encode(pending[0 ..< whole])
        pending.removeFirst(whole)
        return out
    }

    mutating func finish() -> [UInt8] {
        var out = encode(pending[...])
        if pending.count > 0 {
            let b = pending + [0, 0]
            let chars = [alphabet[Int(b[0] >> 2)], alphabet[Int((b[0] & 3) << 4 | b[1] >> 4)],
                         pending.count == 2 ? alphabet[Int((b[1] & 15) << 2)] : UInt8(ascii: "="), UInt8(ascii: "=")]
            out = []
            for ch in chars { out += put(ch) }
        }
        if column > 0 { out.append(10) }
        return out
    }

    private mutating func encode(_ data: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count / 3 * 4 + data.count / 57 + 1)
        var i = data.startIndex
        while i + 3 <= data.endIndex {
            let a = data[i], b = data[i + 1], c = data[i + 2]
            for ch in [alphabet[Int(a >> 2)], alphabet[Int((a & 3) << 4 | b >> 4)], alphabet[Int((b & 15) << 2 | c >> 6)], alphabet[Int(c & 63)]] {
                out += put(ch)
            }
            i += 3
        }
        return out
    }

    private mutating func put(_ ch: UInt8) -> [UInt8] {
        column += 1
        if column == 76 { column = 0; return [ch, 10] }
        return [ch]
    }
}

/// base64 -d -i: characters outside the alphabet are ignored; "=" ends a group.
struct Base64Decoder {
    private var quad: [UInt8] = []
    private static let values: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    mutating func feed(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for c in data {
            if c == UInt8(ascii: "=") { out += flush(); continue }
            let v = Base64Decoder.values[Int(c)]
            guard v >= 0 else { continue }
            quad.append(UInt8(v))
            if quad.count == 4 { out += flush() }
        }
        return out
    }

    mutating func finish() -> [UInt8] { flush() }

    private mutating func flush() -> [UInt8] {
        defer { quad.removeAll(keepingCapacity: true) }
        let q = quad + [0, 0, 0, 0]
        let bytes = [q[0] << 2 | q[1] >> 4, q[1] << 4 | q[2] >> 2, q[2] << 6 | q[3]]
        switch quad.count {
        case 4: return bytes
        case 3: return Array(bytes[0 ..< 2])
        case 2: return Array(bytes[0 ..< 1])
        default: return []
        }
    }
}
