import Glibc

/// The project's one way to start a program: fork, then only async-signal-safe calls in
/// the child (every string is allocated before the fork), so it serves a single-threaded
/// PID 1 and a multithreaded server alike, and can chroot, which posix_spawn cannot.
public struct ChildProcess {
    /// How one of the child's descriptors is made, applied in order after setsid.
    public enum Redirection {
        /// dup2(fd, target): a pipe end or a file of the parent's.
        case fd(Int32, onto: Int32)
        /// open(path, flags, mode) onto target. A terminal opened this way after setsid
        /// becomes the session's controlling terminal (what TIOCSCTTY would do).
        case open(String, flags: Int32, mode: mode_t = 0, onto: Int32)
        /// close(fd): a descriptor the program must not hold.
        case close(Int32)
    }

    /// The program's words; bytes, since a guest command's words may be any names.
    public var argv: [[UInt8]]
    /// The file to run when it is not argv[0] (busybox run as "sh").
    public var executable: String?
    /// nil: the parent's environment and a PATH search (execvp); otherwise exactly
    /// this environment and the program's path as given (execve).
    public var environment: [String]?
    public var redirections: [Redirection] = []
    /// chroot into this folder and chdir to its top before the exec.
    public var root: String?
    /// chdir here (inside the root, if one is set) before the exec.
    public var directory: String?
    /// What the child prints before its failure's reason when chroot fails.
    public var rootFailure = "chroot"
    /// A new session (setsid): no controlling terminal until one is opened.
    public var newSession = false
    /// The child's exit status when it cannot become the program.
    public var failureStatus: Int32 = 127

    public init(_ argv: [[UInt8]], environment: [String]? = nil) {
        self.argv = argv
        self.environment = environment
    }

    public init(_ argv: [String], environment: [String]? = nil) {
        self.init(argv.map { Array($0.utf8) }, environment: environment)
    }

    /// Starts the program with default signal dispositions and an empty signal mask,
    /// whatever the parent installed; returns its pid.
    public func spawn() throws(Errno) -> pid_t {
        let cArgs = argv.map { bytes in bytes.withUnsafeBufferPointer { copyCString($0) } } + [nil]
        let cProgram = executable.map { strdup($0) } ?? cArgs[0]
        let cEnv = environment.map { $0.map { strdup($0) } + [nil] }
        let cRoot = root.flatMap { strdup($0) }
        let cDirectory = strdup(directory ?? "/")
        let cRootFailure = strdup(rootFailure)
        let cPaths = redirections.map { r -> UnsafeMutablePointer<CChar>? in
            if case let .open(path, _, _, _) = r { return strdup(path) }
            return nil
        }
        defer {
            for p in cArgs + (cEnv ?? []) + cPaths { free(p) }
            free(cRoot)
            free(cDirectory)
            free(cRootFailure)
            if executable != nil { free(cProgram) }
        }
        let pid = fork()
        guard pid == 0 else {
            if pid < 0 { throw Errno.current }
            return pid
        }
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        for s: Int32 in 1 ..< 32 where s != SIGKILL && s != SIGSTOP { signal(s, SIG_DFL) }
        if newSession { setsid() }
        for (r, path) in zip(redirections, cPaths) {
            switch r {
            case let .fd(fd, target):
                if fd != target { dup2(fd, target) } else { _ = fcntl(fd, F_SETFD, 0) }
            case let .open(_, flags, mode, target):
                let fd = Glibc.open(path!, flags, mode)
                if fd < 0 { childFail(path!) }
                if fd != target { dup2(fd, target); close(fd) }
            case let .close(fd):
                close(fd)
            }
        }
        if let cRoot, chroot(cRoot) != 0 { childFail(cRootFailure!) }
        if root != nil || directory != nil, chdir(cDirectory!) != 0 { childFail(cDirectory!) }
        cArgs.withUnsafeBufferPointer { args in
            if let cEnv {
                cEnv.withUnsafeBufferPointer { _ = execve(cProgram!, args.baseAddress!, $0.baseAddress!) }
            } else {
                _ = execvp(cProgram!, args.baseAddress!)
            }
        }
        childFail(cProgram!)
    }

    /// "what: reason" on the child's stderr, then _exit: nothing that allocates.
    private func childFail(_ what: UnsafePointer<CChar>) -> Never {
        let reason = strerror(errno)!
        _ = write(2, what, strlen(what))
        _ = write(2, ": ", 2)
        _ = write(2, reason, strlen(reason))
        _ = write(2, "\n", 1)
        _exit(failureStatus)
    }

    private func copyCString(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeMutablePointer<CChar>? {
        let p = malloc(bytes.count + 1)!.assumingMemoryBound(to: CChar.self)
        if let base = bytes.baseAddress { memcpy(p, base, bytes.count) }
        p[bytes.count] = 0
        return p
    }

    /// Waits for `pid`: its exit status, or 128 + the signal that killed it; nil when
    /// it cannot be waited for (already reaped).
    public static func wait(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard retryingEINTR({ waitpid(pid, &status, 0) }) >= 0 else { return nil }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// A pipe whose both ends close on exec (a redirection onto 0–2 clears the flag
    /// there). pipe2 is not in Glibc's Swift module.
    public static func pipe() throws(Errno) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw Errno.current }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}
