import Glibc

/// posix_spawn of a session's program in a new session (setsid), with its standard
/// descriptors set up by file actions. No fork of this multithreaded server.
enum ProcessSpawn {
    /// How the program's fds 0, 1, 2 are made.
    enum Stdio {
        /// Pipe ends: each is dup'ed onto 0, 1, 2.
        case pipes(stdin: Int32, stdout: Int32, stderr: Int32)
        /// The slave of a pty, opened after setsid: opening a terminal without O_NOCTTY
        /// in a session leader that has none makes it the controlling terminal (what
        /// TIOCSCTTY would do), so the shell gets job control and ^C.
        case terminal(path: String)
    }

    private static let POSIX_SPAWN_SETSIGDEF: Int16 = 0x04, POSIX_SPAWN_SETSIGMASK: Int16 = 0x08
    private static let POSIX_SPAWN_SETSID: Int16 = 0x80  // none of them in Glibc's Swift module

    static func spawn(_ argv: [String], environment: [String], stdio: Stdio) throws(SSHDError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch stdio {
        case let .pipes(stdin, stdout, stderr):
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
            posix_spawn_file_actions_adddup2(&actions, stdout, 1)
            posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        case let .terminal(path):
            posix_spawn_file_actions_addopen(&actions, 0, path, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
        }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // The server ignores SIGPIPE and its threads may block signals: the shell gets
        // the defaults, as after a login.
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)

        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var pid: pid_t = 0
        let r = posix_spawn(&pid, argv[0], &actions, &attr, cArgs, cEnv)
        guard r == 0 else { throw SSHDError("posix_spawn", argv[0], errno: r) }
        return pid
    }

    /// A pipe whose both ends close on exec (dup2 onto 0–2 clears the flag there).
    /// pipe2 is not in Glibc's Swift module; only the event loop thread spawns, so
    /// nothing can exec between pipe and fcntl.
    static func pipe() throws(SSHDError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw SSHDError("pipe", "session stdio") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}
