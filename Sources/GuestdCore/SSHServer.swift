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

    /// Starts the server in its own session with fd 3 the write end of a pipe, and
    /// waits for its "ready" line (or its exit, which closes the pipe).
    static func start(authorizedKey: String) throws(SysError) -> pid_t {
        let ready: (read: Int32, write: Int32)
        do throws(Errno) { ready = try ChildProcess.pipe() } catch { throw SysError("pipe", "ssh ready", errno: error.code) }
        defer { close(ready.read) }
        var child = ChildProcess([program, "--authorized-key", authorizedKey, "--ready-fd", "3"])
        child.redirections = [.fd(ready.write, onto: 3)]
        child.newSession = true
        let pid: pid_t
        do throws(Errno) { pid = try child.spawn() } catch {
            close(ready.write)
            throw SysError("fork", program, errno: error.code)
        }
        close(ready.write)

        var pfd = pollfd(fd: ready.read, events: Int16(POLLIN), revents: 0)
        var got = 0
        while got == 0 {
            let n = retryingEINTR { poll(&pfd, 1, readyTimeoutMS) }
            guard n > 0 else { throw SysError("wait for ready", program, errno: n == 0 ? ETIMEDOUT : errno) }
            var buf = [UInt8](repeating: 0, count: 16)
            got = FileDescriptorIO.read(ready.read, into: &buf)
            // End of file before "ready": the server stopped; its own line says why.
            guard got > 0 else { throw SysError("start", program, errno: ECHILD) }
        }
        return pid
    }
}
