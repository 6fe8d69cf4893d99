import Foundation
import HostBuilder

/// Warm start: the first launch of an appliance boots it cold with no user disks, saves
/// the whole VM once guestd serves (QMP `stop`, `migrate` to a file), and later launches
/// restore that state (`-incoming`) instead of booting: no firmware, no kernel boot, no
/// module loading. The user's disks are hot-plugged afterwards onto a virtio-scsi
/// controller that is part of the saved machine, so cold and warm sessions name them
/// alike (guestd orders SCSI disks by target: /dev/sda is scsi-id 0).
struct WarmState {
    /// The saved state in the cache, beside the appliance; written under a temporary
    /// name and renamed into place.
    let path: String

    /// Whether a launch can be warm: TCG only (KVM cannot run a guest on the hosts this
    /// is tested on, and a KVM state never loads under TCG), the default machine with its
    /// disk root, no network or SSH (their devices, the guest's addresses and the host key
    /// are set at boot), and no boot timeline (`timings` asks to watch a boot).
    static func isPossible(_ options: LaunchOptions, useKVM: Bool) -> Bool {
        options.warmStart && !useKVM && !options.legacyDevices && options.network == nil && options.ssh == nil
            && options.rootMedia == .disk && !options.timings
    }

    /// What a saved state depends on, one `name value` line each; the state is found by
    /// their digest. The command line (less the per-launch folder) repeats most of them
    /// and covers the rest: kernel words, devices, the machine's options.
    static func keyLines(appliance: String, qemu: String, qemuSize: Int, qemuModified: Int, command: QemuCommand,
                         privateFolder: String) -> [String] {
        let o = command.options
        return [
            "appliance \(appliance)",
            "qemu \(qemu) \(qemuSize) \(qemuModified)",
            "accel \(command.useKVM ? "kvm" : "tcg")",
            "machine pc",
            "memory \(o.memoryMB)",
            "cpu \(command.useKVM ? "host" : "qemu64")",
            "devices root=\(o.rootMedia.rawValue) legacy=\(o.legacyDevices) network=\(o.network.map { "\($0)" } ?? "none") ssh=\(o.ssh != nil)",
        ] + command.arguments.map { "arg " + $0.replacingOccurrences(of: privateFolder, with: "PRIVATE") }
    }

    /// States live in the cache beside the appliance, named after it (the builder removes
    /// them with it) and after the digest of `keyLines`.
    init(appliance: Appliance, qemu: String, command: QemuCommand, privateFolder: String) {
        var st = stat()
        _ = stat(qemu, &st)
        let lines = Self.keyLines(appliance: appliance.directory, qemu: qemu, qemuSize: Int(st.st_size),
                                  qemuModified: Int(st.st_mtim.tv_sec), command: command, privateFolder: privateFolder)
        let cache = (appliance.directory as NSString).deletingLastPathComponent
        let name = (appliance.directory as NSString).lastPathComponent
        path = cache + "/warm-" + name + "-" + Cache.digest(lines).prefix(16) + ".state"
    }

    /// The state's identity when a restore starts: a failed restore removes only that
    /// file, not one another launch has saved since.
    var identity: (dev: UInt64, ino: UInt64)? {
        var st = stat()
        return stat(path, &st) == 0 ? (UInt64(st.st_dev), UInt64(st.st_ino)) : nil
    }

    /// Removes the state that failed to load, if it is still the one at `identity`.
    func remove(ifStill identity: (dev: UInt64, ino: UInt64)?) {
        guard let identity, let now = self.identity, now == identity else { return }
        unlink(path)
    }

    var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The qemu argument that loads the state: a shell command line, so the path is quoted.
    var incomingArgument: String { "exec:cat " + Self.shellQuoted(path) }

    /// qemu runs exec: migration URIs with /bin/sh.
    private static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Saves the stopped VM unless another launch is saving it already (then returns
    /// false and leaves it to that one).
    func save(_ qmp: QMP, stillWaiting: () throws -> Void) throws -> Bool {
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw ClientError.io(call: "open", path: path + ".lock", errno: errno) }
        defer { close(lock) }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else { return false }
        if exists { return false }
        let temporary = path + ".\(getpid()).tmp"
        defer { unlink(temporary) }
        try qmp.execute("migrate", ["uri": "exec:cat > " + Self.shellQuoted(temporary)])
        while true {
            try stillWaiting()
            let status = (try qmp.execute("query-migrate") as? [String: Any])?["status"] as? String
            if status == "completed" { break }
            if status == "failed" || status == "cancelled" {
                throw ClientError.usage("saving the appliance's state failed (qemu's migration \(status!))")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        guard rename(temporary, path) == 0 else { throw ClientError.io(call: "rename", path: path, errno: errno) }
        return true
    }

    /// Waits until qemu has loaded the saved state (it then stays paused).
    static func waitLoaded(_ qmp: QMP, stillWaiting: () throws -> Void) throws {
        while true {
            try stillWaiting()
            let status = (try qmp.execute("query-status") as? [String: Any])?["status"] as? String
            if status == "paused" || status == "postmigrate" { return }
            if status != "inmigrate" { throw ClientError.usage("the saved state left qemu \(status ?? "in no known state")") }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// The user's disks onto the saved machine's SCSI controller `hot`, in order, target
    /// i for disk i; read-only ones write-protected as on a cold boot.
    static func attach(_ drives: [Drive], _ qmp: QMP) throws {
        for (i, d) in drives.enumerated() {
            var file: [String: Any] = ["driver": "file", "filename": d.path, "read-only": d.readOnly]
            var node: [String: Any] = ["driver": d.format ?? "raw", "node-name": "user\(i)", "read-only": d.readOnly]
            // Discards reach the image of a writable disk, as on a cold boot (QemuCommand).
            if !d.readOnly { node["discard"] = "unmap"; file["discard"] = "unmap" }
            node["file"] = file
            try qmp.execute("blockdev-add", node)
            try qmp.execute("device_add", ["driver": "scsi-hd", "bus": "hot.0", "scsi-id": i, "lun": 0,
                                           "drive": "user\(i)", "id": "disk\(i)"])
        }
    }
}
