import ApplianceClient
import Foundation
import HostBuilder
import SystemCalls

/// The background half of `appliance launch`: a state folder holding `socket`, `pid` and
/// `log`, and the detached process that owns the VM.
enum LaunchedAppliance {
    struct Started {
        let pid: Int32
        let socket: String
        let log: String
    }

    enum LaunchError: Error, CustomStringConvertible {
        case io(call: String, path: String, errno: Int32)
        case exited(status: Int32, log: String)
        case timedOut(seconds: Int, log: String)
        case notLaunched(String)

        var description: String {
            switch self {
            case let .io(call, path, e): "\(call): \(path): \(Errno(e))"
            case let .exited(status, log): "the background appliance exited with status \(status); its log:\n\(log)"
            case let .timedOut(s, log): "the appliance was not serving after \(s) s; its log:\n\(log)"
            case let .notLaunched(why): why
            }
        }
    }

    static let bootWait = 300

    /// Starts `appliance launch --foreground` in its own session (so it outlives the
    /// terminal) and waits until its socket exists, which it creates once guestd serves.
    static func spawn(arguments: [String]) throws -> Started {
        var template = Array((NSTemporaryDirectory() + "appliance-launch-XXXXXX").utf8CString)
        guard mkdtemp(&template) != nil else { throw LaunchError.io(call: "mkdtemp", path: NSTemporaryDirectory(), errno: errno) }
        let dir = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let log = dir + "/log", socket = dir + "/socket"
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let argv = [exe] + arguments + ["--foreground", "--state-dir", dir]

        var child = ChildProcess(argv)
        child.newSession = true
        // Nothing else is inherited: a caller waiting for its pipes or sockets to close
        // must not wait for the appliance's lifetime.
        child.redirections = [.open("/dev/null", flags: O_RDONLY, onto: 0),
                              .open(log, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644, onto: 1), .fd(1, onto: 2)]
            + openDescriptors().filter { $0 > 2 }.map { .close($0) }
        let pid: pid_t
        do throws(Errno) { pid = try child.spawn() } catch { throw LaunchError.io(call: "fork", path: exe, errno: error.code) }

        let logText = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        for _ in 0..<(bootWait * 20) {
            if FileManager.default.fileExists(atPath: socket) { return Started(pid: pid, socket: socket, log: log) }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                try? FileManager.default.removeItem(atPath: dir)
                throw LaunchError.exited(status: (status >> 8) & 0xFF, log: logText())
            }
            usleep(50_000)
        }
        kill(pid, SIGTERM)
        throw LaunchError.timedOut(seconds: bootWait, log: logText())
    }

    static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }

    /// The background process: boot, relay until `appliance stop` (SIGTERM) or the VM
    /// ends, then shut the appliance down (guestd unmounts and syncs) and clean up.
    static func serve(appliance: Appliance, options: LaunchOptions, stateDir: String) throws {
        signal(SIGTERM) { _ in stopRequested = 1 }
        signal(SIGINT) { _ in stopRequested = 1 }
        signal(SIGHUP, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        try "\(getpid())\n".write(toFile: stateDir + "/pid", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let session = try Session.launch(appliance: appliance, options: options)
        say(String(format: "appliance ready in %.2f s (%@), qemu pid %d", session.bootSeconds, session.usedKVM ? "KVM" : "TCG", session.qemuProcessID))
        let relay = try ChannelRelay(session: session, socketPath: stateDir + "/socket")
        let why = relay.serve { stopRequested != 0 }
        say("stopping: \(why)")
        session.shutdown()
    }

    /// The state folder's process, after checking that it is one of ours.
    static func pid(of target: String) throws -> Int32 {
        let pid: Int32
        if let n = Int32(target) {
            pid = n
        } else {
            let dir = (target as NSString).deletingLastPathComponent
            guard let text = try? String(contentsOfFile: dir + "/pid", encoding: .utf8), let n = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw LaunchError.notLaunched("\(target): not the socket of a launched appliance (no pid file beside it)")
            }
            pid = n
        }
        let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        let words = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard words.contains("launch"), words.contains("--foreground") else {
            throw LaunchError.notLaunched("process \(pid) is not a launched appliance (appliance launch prints the pid)")
        }
        return pid
    }
}

/// Set by SIGTERM or SIGINT; the relay polls it.
nonisolated(unsafe) private var stopRequested: sig_atomic_t = 0
