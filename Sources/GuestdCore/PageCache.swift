import Glibc
import SystemCalls

/// Before a boot is saved (appliance.snapshot): the clean page cache (files read while
/// booting, modules) and the slab caches go, and memory is compacted, so the state the
/// launcher saves carries less and later restores read less. Pages still mapped
/// (guestd's own code and libraries) stay. Best effort: a failure only makes the state
/// larger, so it is reported and the boot goes on.
enum PageCache {
    static func dropForSnapshot(console: Console) {
        sync()
        for (file, value) in [("/proc/sys/vm/drop_caches", "3"), ("/proc/sys/vm/compact_memory", "1")] {
            let fd = open(file, O_WRONLY | O_CLOEXEC)
            let ok = fd >= 0 && write(fd, value, value.utf8.count) == value.utf8.count
            let e = errno
            if fd >= 0 { close(fd) }
            if !ok { console.info("\(file): \(Errno(e).text)") }
        }
    }
}
