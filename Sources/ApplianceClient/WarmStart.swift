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

    /// Whether a launch can be warm: only TCG (a KVM state does not load under TCG, and
    /// KVM cannot be tested here), the default machine with its disk root, and no network
    /// or SSH (their devices and the guest's addresses are set at boot).
    static func isPossible(_ options: LaunchOptions, useKVM: Bool) -> Bool {
        options.warmStart && !useKVM && !options.legacyDevices && options.network == nil && options.ssh == nil
            && options.rootMedia == .disk
    }

    /// Keyed by everything the saved machine depends on: the appliance (its folder name is
    /// its content key), the qemu binary, and the command line less the per-launch
    /// folder (memory, machine, devices, kernel words).
    init(appliance: Appliance, qemu: String, arguments: [String], privateFolder: String) {
        var st = stat()
        _ = stat(qemu, &st)
        let stable = arguments.map { $0.replacingOccurrences(of: privateFolder, with: "PRIVATE") }
        let key = Cache.digest([appliance.directory, qemu, "\(st.st_size) \(st.st_mtim.tv_sec)"] + stable)
        let cache = (appliance.directory as NSString).deletingLastPathComponent
        path = cache + "/warm-" + key.prefix(16) + ".state"
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
