import Glibc

/// md arrays, volume groups, Windows dynamic disk volumes and multi-device btrfs
/// filesystems on the user's disks are ready before any call can look for them, as the
/// real appliance's init runs `mdadm -As`, `lvm pvscan --cache --activate ay` and
/// `ldmtool create all`, and its udev registers btrfs members, before serving.
/// Here it happens before the first call after the set of disks changed: after boot, and
/// after a warm start's disks were hot-plugged. Disks without LVM cost a blkid probe each.
final class StorageActivation {
    private var seenDisks: [String]?

    func refresh(devices: Devices, modules: ModuleLoader, console: Console) {
        let disks = devices.disks()
        guard disks != seenDisks else { return }
        seenDisks = disks
        var types = Set<String>()
        for disk in disks {
            for node in [disk] + devices.partitionNames(of: disk) {
                guard let type = try? Probe.filesystemType(devices.dev + "/" + node) else { continue }
                types.insert(type)
            }
        }
        // md first: a PV may sit on an array.
        let hasRaid = types.contains("linux_raid_member") && Daemon.isAvailable("mdadm")
        if hasRaid {
            _ = modules.ensureModule("md_mod")
            MD.assemble(console: console)
            // An array's own contents (a PV on /dev/md127) count too.
            for md in MD.devices() {
                if let type = try? Probe.filesystemType(md) { types.insert(type) }
            }
        }
        if types.contains("LVM2_member"), Daemon.isAvailable("lvm2") {
            _ = modules.ensureModule("dm_mod")
            do throws(CallError) { try LVM.run(["pvscan", "--cache", "--activate", "ay"]) } catch {
                console.info("LVM activation: \(error.message)")
            }
        }
        if hasRaid { MD.runDegraded(console: console) }
        // Windows dynamic disks last, as in the real init.
        if Daemon.isAvailable("ldm") {
            LDM.createAtLaunch(disks: disks.map { devices.dev + "/" + $0 }, modules: modules, console: console)
        }
        // A btrfs filesystem over several devices mounts only once the kernel knows them
        // all, which udev's rule (`btrfs device ready`) tells it elsewhere.
        if types.contains("btrfs") { StorageActivation.scanBtrfs(modules: modules) }
    }

    /// `btrfs device scan`: every btrfs member on the disks registered with the kernel.
    static func scanBtrfs(modules: ModuleLoader) {
        modules.ensureFilesystem("btrfs")
        _ = try? Subprocess.appliance(["btrfs", "device", "scan"])
    }
}
