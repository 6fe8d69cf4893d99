import Glibc
import GuestProtocol

/// `command` (daemon/sh.c do_command): runs a program of the mounted guest, chrooted
/// into it with the appliance's /dev, /dev/pts, /proc and /sys bound in, and, when the
/// network is on, the appliance's resolv.conf over the guest's. Its stdout is the
/// reply; a non-zero exit is an error carrying its stderr.
extension Daemon {
    static let commandProcedures: [(Procedure, Handler)] = [
        (.command, { d, call throws(CallError) in
            try d.needRoot(call.stub)
            let argv = call.strings(0)
            guard !argv.isEmpty else { throw CallError("passed an empty list") }
            let binds = GuestBinds(sysroot: d.options.sysroot)
            defer { binds.undo() }
            let result: Subprocess.Result
            do throws(SysError) {
                // Always chrooted, in host test mode too: a test must never run host programs.
                result = try Subprocess.run(argv, root: d.options.sysroot)
            } catch {
                throw CallError.perror("\(error.call): \(error.path)", error.errno)
            }
            guard result.succeeded else {
                var err = result.err
                if err.last == UInt8(ascii: "\n") { err.removeLast() }
                throw CallError(String(decoding: err, as: UTF8.self))
            }
            return Reply.string(String(decoding: result.out, as: UTF8.self))
        }),
    ]
}

/// The bind mounts a guest program expects, made for one command and undone after it;
/// each is best-effort, as in the real daemon (a guest without /sys just lacks it).
struct GuestBinds {
    private var mounted: [String] = []
    private var createdResolvConf: String?

    init(sysroot: String) {
        guard getpid() == 1 else { return }  // host test mode runs without a guest root
        for dir in ["/dev", "/dev/pts", "/proc", "/sys"] where mount(dir, sysroot + dir, nil, UInt(MS_BIND), nil) == 0 {
            mounted.append(sysroot + dir)
        }
        // Name resolution inside the guest uses the appliance's DNS server.
        guard access(NetworkSetup.resolvConf, F_OK) == 0 else { return }
        let target = sysroot + "/etc/resolv.conf"
        var st = stat()
        if lstat(target, &st) != 0 {
            let fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return }
            close(fd)
            createdResolvConf = target
        }
        if mount("/etc/resolv.conf", target, nil, UInt(MS_BIND), nil) == 0 {
            mounted.append(target)
            _ = mount(nil, target, nil, UInt(MS_REMOUNT | MS_BIND | MS_RDONLY), nil)
        }
    }

    func undo() {
        for target in mounted.reversed() { _ = umount2(target, 0) }
        if let createdResolvConf { unlink(createdResolvConf) }
    }
}
