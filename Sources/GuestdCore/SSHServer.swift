import ApplianceKernelWords
import Glibc
import SystemCalls

/// Starts the appliance's SSH server when the launcher asked for it with
/// `appliance.ssh=TYPE:BASE64` (the user's public key; a colon stands for the key
/// line's space, which a kernel word cannot hold). The server makes its own host key,
/// so every launch has a fresh one. guestd waits until it listens, so a client that
/// reads the launcher's "ssh:" line can connect at once.
enum SSHServer {
    static let program = "/usr/sbin/appliance-sshd"
    /// Under TCG the first start maps a large static binary from the root disk.
    static let readyTimeoutMS: Int32 = 60_000

    static func fromKernelCommandLine(_ words: KernelWords, console: Console) {
        for p in words.problems(of: KernelWords.Name.ssh) { console.fatal("ssh: \(p)") }
        guard let key = words.sshKey?.argument else { return }
        guard access(program, X_OK) == 0 else {
            return console.fatal("ssh: \(program) is not in this appliance (build it with `appliance build --ssh`)")
        }
        // The server's first getrandom blocks until the kernel's pool is seeded, which
        // under TCG took 1.4 s and more; the launcher's virtio-rng device seeds it at once.
        if !ModuleLoader(console: console).ensureModule("virtio_rng") {
            console.info("ssh: no virtio_rng: the host key waits for the kernel's entropy")
        }
        do {
            let pid = try start(authorizedKey: key)
            console.info("ssh: \(program) listening on port 22 (pid \(pid))")
        } catch {
            console.fatal("ssh: \(error)")
        }
    }

    /// Spawns the server in its own session with fd 3 the write end of a pipe, and
    /// waits for its "ready" line (or its exit, which closes the pipe).
    static func start(authorizedKey: String) throws(SysError) -> pid_t {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SysError("pipe", "ssh ready") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        defer { close(fds[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 3)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, 0x80)  // POSIX_SPAWN_SETSID: not in Glibc's Swift module
        let argv = [program, "--authorized-key", authorizedKey, "--ready-fd", "3"]
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let r = posix_spawn(&pid, program, &actions, &attr, cArgs, environ)
        close(fds[1])
        guard r == 0 else { throw SysError("posix_spawn", program, errno: r) }

        var pfd = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        var ready = 0
        while ready == 0 {
            let n = retryingEINTR { poll(&pfd, 1, readyTimeoutMS) }
            guard n > 0 else { throw SysError("wait for ready", program, errno: n == 0 ? ETIMEDOUT : errno) }
            var buf = [UInt8](repeating: 0, count: 16)
            ready = FileDescriptorIO.read(fds[0], into: &buf)
            // End of file before "ready": the server stopped; its own line says why.
            guard ready > 0 else { throw SysError("start", program, errno: ECHILD) }
        }
        return pid
    }
}
