import Glibc
import GuestProtocol

/// Tests and status of guest paths: exists, is_*, statns, lstatns, lstatnslist, statvfs
/// (daemon/is.c, is.ml, stat.c, statvfs.ml).
extension Daemon {
    func doExists(path: ByteString) throws(CallError) -> Bool {
        try mode(path, follow: false, "stat: ") != nil
    }

    func doIsFile(path: ByteString, followsymlinks: Bool?) throws(CallError) -> Bool {
        try mode(path, follow: followsymlinks ?? false, "is_file: ")?.isRegular ?? false
    }

    func doIsDir(path: ByteString, followsymlinks: Bool?) throws(CallError) -> Bool {
        try mode(path, follow: followsymlinks ?? false, "is_dir: ")?.isDirectory ?? false
    }

    func doIsSymlink(path: ByteString) throws(CallError) -> Bool {
        try mode(path, follow: false, "is_symlink: ")?.isSymlink ?? false
    }

    func doStatns(path: ByteString) throws(CallError) -> StructValue {
        do throws(SysError) { return Daemon.statns(try sysroot.statFollowing(path), userDeviceNumbers()) } catch {
            throw CallError.perror(path, error.errno)
        }
    }

    func doLstatns(path: ByteString) throws(CallError) -> StructValue {
        do throws(SysError) { return Daemon.statns(try sysroot.statNoFollow(path), userDeviceNumbers()) } catch {
            throw CallError.perror(path, error.errno)
        }
    }

    func doInternalLstatnslist(path: ByteString, names: [ByteString]) throws(CallError) -> [StructValue] {
        let dir = try openDirectory(path)
        defer { close(dir) }
        let numbers = userDeviceNumbers()
        // A name that cannot be stat'ed gets st_ino -1 and zeroes, not an error.
        return names.map { name in
            var st = stat()
            guard fstatat(dir, name.cString, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
                var missing = StructValue(.statns, Array(repeating: .int(0), count: StructLayout.statns.fields.count))
                missing.values[1] = .int(-1)
                return missing
            }
            return Daemon.statns(st, numbers)
        }
    }

    func doStatvfs(path: ByteString) throws(CallError) -> StructValue {
        var s = Glibc.statvfs()
        do throws(SysError) {
            let fd = try sysroot.open(path, flags: O_RDONLY)
            defer { close(fd) }
            let r: Int32 = fstatvfs(fd, &s)
            guard r == 0 else { throw SysError("statvfs", path) }
        } catch {
            throw CallError.perror("statvfs: \(path)", error.errno)
        }
        return StructValue(.statvfs, [
            s.f_bsize, s.f_frsize, UInt(s.f_blocks), UInt(s.f_bfree), UInt(s.f_bavail), UInt(s.f_files),
            UInt(s.f_ffree), UInt(s.f_favail), s.f_fsid, s.f_flag, s.f_namemax,
        ].map { .int(Int64(bitPattern: UInt64($0))) })
    }

    /// get_mode: nil when the path does not exist (ENOENT, ENOTDIR); other errors are
    /// errors, prefixed as the C ("stat: ") or OCaml ("is_dir: ") implementation does.
    private func mode(_ p: ByteString, follow: Bool, _ prefix: ByteString) throws(CallError) -> mode_t? {
        do throws(SysError) { return try (follow ? sysroot.statFollowing(p) : sysroot.statNoFollow(p)).st_mode } catch {
            if error.errno == ENOENT || error.errno == ENOTDIR { return nil }
            throw CallError.perror(prefix + p, error.errno)
        }
    }

    /// Device numbers as the stock appliance's kernel numbers the user's disks
    /// (Devices.userDeviceNumbers); in host test mode the host's own, unchanged.
    func userDeviceNumbers() -> [UInt64: UInt64] {
        options.isPID1 ? devices.userDeviceNumbers() : [:]
    }

    /// stat_to_statns, st_dev through `numbers`.
    static func statns(_ st: stat, _ numbers: [UInt64: UInt64]) -> StructValue {
        let v: [Int64] = [
            Int64(bitPattern: numbers[UInt64(st.st_dev)] ?? UInt64(st.st_dev)), Int64(bitPattern: UInt64(st.st_ino)), Int64(st.st_mode),
            Int64(st.st_nlink), Int64(st.st_uid), Int64(st.st_gid), Int64(bitPattern: UInt64(st.st_rdev)),
            Int64(st.st_size), Int64(st.st_blksize), Int64(st.st_blocks),
            Int64(st.st_atim.tv_sec), Int64(st.st_atim.tv_nsec), Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec),
            Int64(st.st_ctim.tv_sec), Int64(st.st_ctim.tv_nsec), 0, 0, 0, 0, 0, 0,
        ]
        return StructValue(.statns, v.map { .int($0) })
    }
}
