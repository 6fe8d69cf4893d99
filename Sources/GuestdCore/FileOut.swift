import Glibc
import GuestProtocol
import SystemCalls

/// The daemon's half of a FileOut transfer, after the OK reply: data chunks, then an
/// empty end chunk (cancel = 1 when the daemon gives up half way). Between chunks the
/// library may send a cancel word; the daemon then ends with a cancel chunk.
final class FileOutStream {
    enum Outcome: Error { case cancelledByLibrary }

    private let channel: FrameChannel
    private let progress: ProgressNotifier
    private var pending: [UInt8] = []

    init(channel: FrameChannel, progress: ProgressNotifier) {
        self.channel = channel
        self.progress = progress
        pending.reserveCapacity(Guestfs.maxChunkSize)
    }

    /// Queues bytes, sending full chunks of maxChunkSize as they fill. Small writes
    /// (ls0's names) are batched: one message per name would cost a round of virtio
    /// notifications each.
    func write(_ bytes: some Collection<UInt8>) throws {
        var rest = bytes[...]
        while !rest.isEmpty {
            let room = Guestfs.maxChunkSize - pending.count
            pending += rest.prefix(room)
            rest = rest.dropFirst(room)
            if pending.count == Guestfs.maxChunkSize { try flush() }
        }
    }

    /// Sends whatever is queued as one chunk, unless the library asked to cancel.
    func flush() throws {
        guard !pending.isEmpty else { return }
        if libraryCancelled() {
            pending.removeAll(keepingCapacity: true)
            try channel.writeChunk(Chunk(cancel: true, data: []))
            throw Outcome.cancelledByLibrary
        }
        try channel.writeChunk(Chunk(data: pending))
        pending.removeAll(keepingCapacity: true)
    }

    /// Normal end: the rest, then the empty chunk.
    func finish() throws {
        try flush()
        try channel.writeChunk(Chunk(data: []))
    }

    /// The daemon's own failure half way: an empty chunk with cancel set.
    func abort() throws {
        pending.removeAll()
        try channel.writeChunk(Chunk(cancel: true, data: []))
    }

    func notifyProgress(position: UInt64, total: UInt64) throws {
        try progress.notify(position: position, total: total)
    }

    /// check_for_library_cancellation: a word waiting on the channel now can only be the
    /// cancel flag (the library sends nothing else during a FileOut).
    private func libraryCancelled() -> Bool {
        var p = pollfd(fd: channel.fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) == 1, p.revents & Int16(POLLIN) != 0 else { return false }
        var word = [UInt8](repeating: 0, count: 4)
        var got = 0
        while got < 4 {
            let r = retryingEINTR { word.withUnsafeMutableBytes { read(channel.fd, $0.baseAddress! + got, 4 - got) } }
            guard r > 0 else { return false }
            got += r
        }
        var d = XDRDecoder(word)
        return (try? d.u32()) == Guestfs.cancelFlag
    }
}

/// notify_progress: progress messages for long transfers, rate-limited as the real
/// daemon does (the first after 2 s, then at most three a second, and always one at
/// 100% once any was sent), so short calls send none.
final class ProgressNotifier {
    private let channel: FrameChannel
    private var procedure: UInt32 = 0
    private var serial: UInt32 = 0
    private var last: Double = 0
    private var count = 0

    private static let initialDelay = 2.0
    private static let period = 0.333333

    init(channel: FrameChannel) { self.channel = channel }

    /// Called when a request arrives.
    func start(procedure: UInt32, serial: UInt32) {
        self.procedure = procedure
        self.serial = serial
        last = monotonicSeconds()
        count = 0
    }

    /// notify_progress_no_ratelimit: sent now, whatever the time since the last.
    func notifyNow(position: UInt64, total: UInt64) throws {
        count += 1
        last = monotonicSeconds()
        try channel.writeProgress(Progress(procedure: procedure, serial: serial, position: position, total: total))
    }

    func notify(position: UInt64, total: UInt64) throws {
        let now = monotonicSeconds()
        let due = count > 0 && position == total
            || now - last >= (count == 0 ? ProgressNotifier.initialDelay : ProgressNotifier.period)
        guard due else { return }
        count += 1
        last = now
        try channel.writeProgress(Progress(procedure: procedure, serial: serial, position: position, total: total))
    }
}
