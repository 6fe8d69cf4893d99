import GuestProtocol

/// The SYSLINUX bootloaders (daemon/syslinux.c of libguestfs 1.48): syslinux(1) installs
/// onto an unmounted FAT device through mtools, extlinux(1) into a directory of a mounted
/// ext2/3/4 or btrfs filesystem. Groups syslinux and extlinux: present with their programs.
extension Daemon {
    func doSyslinux(device: String, directory: ByteString?) throws(CallError) {
        let argv: [ByteString] = ["syslinux", "--install", "--force"] + (directory.map { ["--directory", $0] } ?? []) + [ByteString(device)]
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
    }

    func doExtlinux(directory: ByteString) throws(CallError) {
        let r = try Subprocess.appliance(["extlinux", "--install", try toolPath(directory)])
        guard r.succeeded else { throw CallError("\(directory): " + Subprocess.errorText(r)) }
    }
}
