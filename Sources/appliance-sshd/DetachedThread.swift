import Glibc

/// A detached pthread for blocking work (reads, waitpid): Foundation's Thread would
/// pull Foundation into this binary, and Dispatch's pool must not be filled with
/// blocked threads.
enum DetachedThread {
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let r = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard r == 0 else {
            log("\(SSHDError("pthread_create", "session thread", errno: r))")
            Unmanaged<Box>.fromOpaque(box).release()
            return
        }
        pthread_detach(thread)
    }
}
