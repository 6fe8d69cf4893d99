import Glibc
import GuestProtocol

/// The daemon's half of a FileIn transfer (proto.c receive_file / cancel_receive): after
/// the call, the library sends chunks until an empty one, or a chunk with cancel set
/// when it gives up. The daemon, failing first, sends the cancel word and then reads
/// and drops chunks until the library's end or cancel chunk; it replies only after.
final class FileInReceiver {
    enum Failure: Error {
        /// The library sent a cancel chunk.
        case cancelledByLibrary
        /// The sink failed; the rest of the file was drained.
        case sinkFailed(SysError)
    }

    private let channel: FrameChannel
    private let progress: ProgressNotifier
    private let progressHint: UInt64
    /// Whether the chunks have been read to their end (or drained).
    private(set) var finished = false
    /// A broken channel or protocol while receiving: the daemon must stop, not reply.
    private(set) var fatal: Error?

    init(channel: FrameChannel, progress: ProgressNotifier, progressHint: UInt64) {
        self.channel = channel
        self.progress = progress
        self.progressHint = progressHint
    }

    /// Hands each chunk's data to `sink` until the end chunk. A sink failure cancels
    /// the rest of the transfer before it is thrown.
    func receive(_ sink: ([UInt8]) throws(SysError) -> Void) throws(CallError) -> Failure? {
        var received: UInt64 = 0
        while let data = try nextChunk() {
            do throws(SysError) {
                try sink(data)
            } catch {
                try cancel()
                return .sinkFailed(error)
            }
            received += UInt64(data.count)
            if progressHint > 0 { try? progress.notify(position: received, total: progressHint) }
        }
        return cancelledByLibrary ? .cancelledByLibrary : nil
    }

    private var cancelledByLibrary = false

    /// cancel_receive: the cancel word, then chunks dropped until the library's last.
    func cancel() throws(CallError) {
        guard !finished else { return }
        do {
            try channel.writeWord(Guestfs.cancelFlag)
        } catch {
            fatal = error
            throw CallError("write to socket: \(error)")
        }
        while try nextChunk() != nil {}
    }

    /// The next chunk's data; nil at the end chunk or a cancel chunk.
    private func nextChunk() throws(CallError) -> [UInt8]? {
        guard !finished else { return nil }
        while true {
            let frame: Frame
            do { frame = try channel.readFrame() } catch {
                fatal = error
                throw CallError("receive_file: \(error)")
            }
            switch frame {
            case .cancel:
                continue  // the library's cancel word crossing ours: ignored, as receive_file does
            case .launchFlag, .progress:
                fatal = Daemon.Stop.protocolError("incoming message is too long during a file upload")
                throw CallError("receive_file: protocol error")
            case let .message(bytes):
                guard let chunk = try? Chunk.decode(bytes) else {
                    fatal = Daemon.Stop.protocolError("receive_file: could not decode a chunk")
                    throw CallError("receive_file: protocol error")
                }
                if chunk.cancel {
                    finished = true
                    cancelledByLibrary = true
                    return nil
                }
                if chunk.data.isEmpty {
                    finished = true
                    return nil
                }
                return chunk.data
            }
        }
    }
}
