import Foundation
import SystemCalls

/// Decides whether KVM can be tried. A /dev/kvm that opens can still fail to run a guest
/// (qemu aborts on an MSR on some hosts, the guest hangs after the firmware on others);
/// that failure is remembered per host kernel and qemu binary so later launches go
/// straight to TCG instead of paying a failed boot.
struct KVMProbe {
    let device: String
    let stateDirectory: String?
    let qemu: String

    func unavailableReason() -> String? {
        let fd = open(device, O_RDWR | O_CLOEXEC)
        if fd < 0 {
            return "KVM is not available (\(device): \(Errno.current))"
        }
        close(fd)
        if let path = markerPath, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let lines = text.split(separator: "\n").map(String.init)
            if lines.first == hostKey { return "KVM cannot run a guest on this host (\(lines.count > 1 ? lines[1] : "seen before"))" }
        }
        return nil
    }

    func rememberUnusable(because reason: String) {
        guard let path = markerPath else { return }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        try? (hostKey + "\n" + reason + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    private var markerPath: String? { stateDirectory.map { $0 + "/kvm-unusable" } }

    /// The host kernel release and the qemu binary's identity: either changing may fix KVM.
    private var hostKey: String {
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        var st = stat()
        let q = executablePath(qemu) ?? qemu
        _ = stat(q, &st)
        return "\(release) \(q) \(st.st_size) \(st.st_mtim.tv_sec)"
    }
}
