import Glibc
import GuestProtocol

/// Devices and partitions: listing, sizes, partition arithmetic, probing.
extension Daemon {
    static let deviceProcedures: [(Procedure, Handler)] = [
        (.listDevices, { d, _ throws(CallError) in Reply.strings(d.devices.listDevices()) }),
        (.listPartitions, { d, _ throws(CallError) in Reply.strings(d.devices.listPartitions()) }),
        (.vfsType, { _, c throws(CallError) in
            do throws(SysError) { return Reply.string(try Probe.filesystemType(c.string(0))) } catch {
                throw CallError.perror("blkid: \(c.string(0)): TYPE", error.errno)
            }
        }),
    ]
}
