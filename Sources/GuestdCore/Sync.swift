import Glibc

/// sync_disks: sync(2) schedules the writes, but only an fsync of each block device
/// makes qemu flush its own write cache, so the user's disks are fsynced too.
enum Sync {
    static func syncDisks(devices: Devices, includeDevices: Bool) {
        sync()
        guard includeDevices else { return }
        for name in DirEntry.list("/sys/block") where Devices.prefixes.contains(where: { name.hasPrefix($0) }) {
            if devices.isRoot(name) { continue }
            let fd = open("/dev/" + name, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            if fsync(fd) != 0 { Console.write("\(SysError("fsync", "/dev/" + name))") }
            close(fd)
        }
    }
}
