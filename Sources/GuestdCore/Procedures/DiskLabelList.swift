import Glibc
import GuestProtocol

/// list_disk_labels (daemon/devsparts.c of libguestfs 1.48): each name in
/// /dev/disk/guestfs with the device its link resolves to, in readdir order; none when
/// no drive has a label.
extension Daemon {
    func doListDiskLabels() throws(CallError) -> [(ByteString, ByteString)] {
        let dir = DiskLabels.directory(dev: devices.dev)
        guard let handle = opendir(dir) else {
            if errno == ENOENT { return [] }
            throw CallError.perror("opendir: \(dir)", errno)
        }
        defer { closedir(handle) }
        var pairs: [(ByteString, ByteString)] = []
        while true {
            errno = 0
            guard let entry = readdir(handle) else { break }
            let name = DirEntry.name(entry)
            if name.hasPrefix(".") { continue }
            guard let real = realpath(dir + "/" + name, nil) else { throw CallError.perror("realpath: \(dir)/\(name)", errno) }
            defer { free(real) }
            pairs.append((ByteString(name), ByteString(devices.reverse(String(cString: real)))))
        }
        if errno != 0 { throw CallError.perror("readdir: \(dir)", errno) }
        return pairs
    }
}
