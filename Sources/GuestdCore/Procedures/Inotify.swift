import Glibc
import GuestProtocol

/// inotify (daemon/inotify.c of libguestfs 1.48): one handle per daemon, watches on
/// guest paths, events read out as inotify_event structs. The messages name the real
/// daemon's functions (its NEED_ROOT and NEED_INOTIFY print `__func__`).
extension Daemon {
    static let maxQueuedEventsPath = "/proc/sys/fs/inotify/max_queued_events"

    func doInotifyInit(maxevents: Int32) throws(CallError) {
        try needRoot("do_inotify_init")
        guard maxevents >= 0 else { throw CallError("max_events < 0") }
        if maxevents > 0 {
            guard let fp = fopen(Daemon.maxQueuedEventsPath, "w") else {
                throw CallError.perror(ByteString(Daemon.maxQueuedEventsPath), errno)
            }
            fputs("\(maxevents)\n", fp)
            fclose(fp)
        }
        if inotify.fd >= 0 { try doInotifyClose() }
        let fd = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw CallError.perror("inotify_init1", errno) }
        inotify.fd = fd
    }

    func doInotifyClose() throws(CallError) {
        try inotify.require("do_inotify_close")
        guard close(inotify.fd) == 0 else { throw CallError.perror("close", errno) }
        inotify.fd = -1
        inotify.pending = []
    }

    func doInotifyAddWatch(path: ByteString, mask: Int32) throws(CallError) -> Int64 {
        try inotify.require("do_inotify_add_watch")
        // Resolved inside the guest as the chroot would; IN_DONT_FOLLOW keeps the last
        // name unresolved, as the kernel does.
        let host: ByteString
        do throws(SysError) {
            host = UInt32(bitPattern: mask) & UInt32(IN_DONT_FOLLOW) != 0
                ? try sysroot.parentHostPath(path) : try sysroot.hostPath(path)
        } catch {
            throw CallError.perror(path, error.errno)
        }
        let wd = inotify_add_watch(inotify.fd, host.cString, UInt32(bitPattern: mask))
        guard wd >= 0 else { throw CallError.perror(path, errno) }
        return Int64(wd)
    }

    func doInotifyRmWatch(wd: Int32) throws(CallError) {
        try inotify.require("do_inotify_rm_watch")
        guard inotify_rm_watch(inotify.fd, wd) == 0 else { throw CallError.perror("\(wd)", errno) }
    }

    func doInotifyRead() throws(CallError) -> [StructValue] {
        try inotify.require("do_inotify_read")
        return try inotify.read().map { StructValue(.inotifyEvent, [.int(Int64($0.wd)), .int(Int64($0.mask)), .int(Int64($0.cookie)), .string($0.name)]) }
    }

    /// The names of the events read until the queue is empty, as `sort -u` (C locale)
    /// leaves the lines the real daemon writes it, one per non-empty name.
    func doInotifyFiles() throws(CallError) -> [ByteString] {
        try inotify.require("do_inotify_files")
        var text: [UInt8] = []
        while true {
            let events = try inotify.read()
            if events.isEmpty { break }
            for e in events where !e.name.isEmpty { text += e.name.bytes + [UInt8(ascii: "\n")] }
        }
        guard !text.isEmpty else { return [] }
        let lines = Set(text.dropLast().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { ByteString(Array($0)) })
        return lines.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    }
}

/// The daemon's inotify handle: its descriptor (-1 when closed) and the bytes of an
/// event a read left incomplete.
final class InotifyHandle {
    struct Event {
        var wd: Int32
        var mask: UInt32
        var cookie: UInt32
        var name: ByteString
    }

    var fd: Int32 = -1
    var pending: [UInt8] = []
    /// The real daemon reads into a 64 MiB buffer: every queued event in one read.
    /// Allocated at the first read; pages the kernel does not fill cost nothing.
    private var buffer: UnsafeMutableRawBufferPointer?
    static let bufferSize = 64 * 1024 * 1024
    /// struct inotify_event without its name: wd, mask, cookie, len.
    static let headerSize = 16

    /// NEED_INOTIFY.
    func require(_ function: String) throws(CallError) {
        guard fd >= 0 else { throw CallError("\(function): you must call 'inotify_init' first to initialize inotify") }
    }

    /// One inotify_read: reads while the reply's estimated size stays under half a
    /// message, each read's complete events taken, an incomplete one kept for the next.
    func read() throws(CallError) -> [Event] {
        if buffer == nil { buffer = .allocate(byteCount: Self.bufferSize, alignment: 8) }
        let buf = buffer!
        var events: [Event] = []
        var space = Int(Guestfs.messageMax) / 2
        while space > 0 {
            let r = Glibc.read(fd, buf.baseAddress, buf.count - pending.count)
            if r < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                throw CallError.perror("read", errno)
            }
            if r == 0 { throw CallError("unexpected end of file") }
            pending += UnsafeRawBufferPointer(rebasing: buf[0 ..< r])
            var n = 0
            while n + Self.headerSize <= pending.count {
                let len = Int(Self.u32(pending, n + 12))
                guard n + Self.headerSize + len <= pending.count else { break }
                guard len <= Int(PATH_MAX) else { throw CallError("event->len = \(len) > PATH_MAX") }
                let nameBytes = pending[(n + Self.headerSize) ..< (n + Self.headerSize + len)].prefix { $0 != 0 }
                let e = Event(wd: Int32(bitPattern: Self.u32(pending, n)), mask: Self.u32(pending, n + 4),
                              cookie: Self.u32(pending, n + 8), name: ByteString(Array(nameBytes)))
                events.append(e)
                space -= 16 + 4 + e.name.bytes.count + 4
                n += Self.headerSize + len
            }
            pending.removeFirst(n)
        }
        return events
    }

    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }
}
