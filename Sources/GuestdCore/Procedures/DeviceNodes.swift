import Glibc
import GuestProtocol
import SystemCalls

/// Device nodes and FIFOs (daemon/mknod.c).
extension Daemon {
    func doMknod(mode: Int32, devmajor: Int32, devminor: Int32, path: ByteString) throws(CallError) {
        try mknod(mode, devmajor, devminor, path)
    }

    func doMkfifo(mode: Int32, path: ByteString) throws(CallError) {
        try mknod(try Daemon.permissionBits(mode) | Int32(S_IFIFO), 0, 0, path)
    }

    func doMknodB(mode: Int32, devmajor: Int32, devminor: Int32, path: ByteString) throws(CallError) {
        try mknod(try Daemon.permissionBits(mode) | Int32(S_IFBLK), devmajor, devminor, path)
    }

    func doMknodC(mode: Int32, devmajor: Int32, devminor: Int32, path: ByteString) throws(CallError) {
        try mknod(try Daemon.permissionBits(mode) | Int32(S_IFCHR), devmajor, devminor, path)
    }

    /// CHECK_MODE of mkfifo, mknod_b and mknod_c.
    private static func permissionBits(_ mode: Int32) throws(CallError) -> Int32 {
        guard mode & ~0o7777 == 0 else { throw CallError("\(String(UInt32(bitPattern: mode), radix: 8)): mode must specify only file permission bits") }
        return mode
    }

    private func mknod(_ mode: Int32, _ major: Int32, _ minor: Int32, _ p: ByteString) throws(CallError) {
        guard mode >= 0 else { throw CallError("\(p): mode is negative") }
        // makedev(3), a macro Swift does not import.
        let ma = UInt64(UInt32(bitPattern: major)), mi = UInt64(UInt32(bitPattern: minor))
        let dev = (ma & 0xffff_f000) << 32 | (ma & 0xfff) << 8 | (mi & 0xffff_ff00) << 12 | (mi & 0xff)
        try perror(p) { () throws(SysError) in
            try sysroot.atParent(p) { (dir, name) throws(SysError) in
                guard mknodat(dir, name.cString, mode_t(mode), dev_t(dev)) == 0 else { throw SysError("mknod", p) }
            }
        }
    }
}
