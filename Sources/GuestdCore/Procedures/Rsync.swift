import Glibc
import GuestProtocol

/// rsync, rsync_in and rsync_out (daemon/rsync.c of libguestfs 1.48): one rsync run
/// with --archive and --delete when asked; a remote (rsync_in's source, rsync_out's
/// destination) is rsync's own syntax and needs the appliance's network.
extension Daemon {
    func doRsync(src: ByteString, dest: ByteString, archive: Bool?, deletedest: Bool?) throws(CallError) {
        try rsync(src: joinedSysrootPath(src), shownSrc: src, dest: joinedSysrootPath(dest), shownDest: dest,
                  archive: archive, deletedest: deletedest)
    }

    func doRsyncIn(remote: ByteString, dest: ByteString, archive: Bool?, deletedest: Bool?) throws(CallError) {
        try rsync(src: remote, shownSrc: remote, dest: joinedSysrootPath(dest), shownDest: dest,
                  archive: archive, deletedest: deletedest)
    }

    func doRsyncOut(src: ByteString, remote: ByteString, archive: Bool?, deletedest: Bool?) throws(CallError) {
        try rsync(src: joinedSysrootPath(src), shownSrc: src, dest: remote, shownDest: remote,
                  archive: archive, deletedest: deletedest)
    }

    /// The command line the real daemon runs; an unset optional is false.
    static func rsyncCommand(src: ByteString, dest: ByteString, archive: Bool?, deletedest: Bool?) -> [ByteString] {
        var argv: [ByteString] = ["rsync"]
        if archive == true { argv.append("--archive") }
        if deletedest == true { argv.append("--delete") }
        return argv + [src, dest]
    }

    private func rsync(src: ByteString, shownSrc: ByteString, dest: ByteString, shownDest: ByteString,
                       archive: Bool?, deletedest: Bool?) throws(CallError) {
        let argv = Daemon.rsyncCommand(src: src, dest: dest, archive: archive, deletedest: deletedest)
        let r = try Subprocess.appliance(argv)
        guard r.status == 0 else { throw CallError("'\(shownSrc)' to '\(shownDest)': \(Subprocess.errorText(r))") }
    }

    /// The real daemon's sysroot_path: the sysroot and the guest path joined as text, so
    /// a trailing "/" (rsync's "the folder's contents") and a destination that does not
    /// exist yet reach rsync as given.
    func joinedSysrootPath(_ p: ByteString) -> ByteString {
        options.sysroot == "/" ? p : ByteString(options.sysroot) + p
    }
}
