import GuestProtocol

/// f2fs_expand (daemon/f2fs.c of libguestfs 1.48), group f2fs: resize.f2fs grows the
/// filesystem to its device. f2fs-tools report on stdout, so both streams make the error.
extension Daemon {
    func doF2fsExpand(device: String) throws(CallError) {
        let r = try Subprocess.appliance(["resize.f2fs", device], foldStdout: true)
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
    }
}
