import Glibc
import GuestProtocol
import SystemCalls

/// head, tail and wc of a file (daemon/headtail.c, wc.c), done natively: the file opened
/// in the chroot, its lines and words counted here.
extension Daemon {
    func doHead(path: ByteString) throws(CallError) -> [ByteString] {
        try headTail(head: true, 10, path)
    }

    func doTail(path: ByteString) throws(CallError) -> [ByteString] {
        try headTail(head: false, 10, path)
    }

    func doWcL(path: ByteString) throws(CallError) -> Int32 {
        try wc("-l", path) { data in data.count { $0 == 10 } }
    }

    func doWcC(path: ByteString) throws(CallError) -> Int32 {
        try wc("-c", path) { $0.count }
    }

    func doWcW(path: ByteString) throws(CallError) -> Int32 {
        try wc("-w", path) { data in
            var words = 0, inWord = false
            for b in data {
                let space = b == 32 || (9 ... 13).contains(b)
                if !space && !inWord { words += 1 }
                inWord = !space
            }
            return words
        }
    }

    /// wc FLAG < file: the file opened in the chroot, then counted.
    private func wc(_ flag: String, _ p: ByteString, _ count: ([UInt8]) -> Int) throws(CallError) -> Int32 {
        let fd: Int32
        do { fd = try sysroot.open(p, flags: O_RDONLY) } catch { throw CallError.perror("wc \(flag): \(p)", error.errno) }
        defer { close(fd) }
        do { return Int32(clamping: count(try Daemon.readAll(fd, p))) } catch {
            throw CallError("wc \(flag): wc: 'standard input': \(error.reason)")
        }
    }

    func doHeadN(nrlines: Int32, path: ByteString) throws(CallError) -> [ByteString] {
        try headTail(head: true, nrlines, path)
    }

    func doTailN(nrlines: Int32, path: ByteString) throws(CallError) -> [ByteString] {
        try headTail(head: false, nrlines, path)
    }

    /// head -n N / tail -n N (N < 0: all but the last -N lines / from line -N on), split
    /// into lines as split_lines does: a final newline ends the last line. Lines are the
    /// file's bytes.
    func headTail(head: Bool, _ n: Int32, _ p: ByteString) throws(CallError) -> [ByteString] {
        let fd: Int32
        do { fd = try sysroot.open(p, flags: O_RDONLY) } catch { throw CallError.perror(p, error.errno) }
        defer { close(fd) }
        let data: [UInt8]
        do { data = try Daemon.readAll(fd, p) } catch {
            throw CallError("\(head ? "head" : "tail") -n \(n): \(head ? "head" : "tail"): error reading 'standard input': \(error.reason)")
        }
        var lines = data.split(separator: 10, omittingEmptySubsequences: false).map { ByteString($0) }
        if data.last == 10 || data.isEmpty { lines.removeLast() }
        let count = Int(n.magnitude)
        if head { return n >= 0 ? Array(lines.prefix(count)) : Array(lines.dropLast(count)) }
        return n >= 0 ? Array(lines.suffix(count)) : Array(lines.dropFirst(max(count - 1, 0)))
    }
}
