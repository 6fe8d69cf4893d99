import Glibc
import GuestProtocol

/// selinux_relabel (daemon/selinux-relabel.c of libguestfs 1.48): setfiles run over the
/// mounted guest with the guest's spec file, as virt-customize's --selinux-relabel and
/// virt-sysprep ask for.
extension Daemon {
    func doSelinuxRelabel(specfile: ByteString, path: ByteString, force: Bool?) throws(CallError) {
        // The real daemon's sysroot_path: the sysroot's path and the guest's, joined as
        // text (setfiles itself walks the tree).
        let root = ByteString(options.sysroot)
        func inRoot(_ p: ByteString) -> ByteString { root + p }
        var argv: [ByteString] = ["setfiles"]
        if force == true { argv.append("-F") }
        // Never relabel what only the appliance mounts there.
        for skipped: ByteString in ["/dev", "/proc", "/selinux", "/sys"] { argv += ["-e", inRoot(skipped)] }
        // -m: without it setfiles leaves every mount point out of the walk.
        if try Daemon.setfilesHasOption("m") { argv.append("-m") }
        // -C: exit status 1 means "some files could not be relabelled", not a failure.
        let continues = try Daemon.setfilesHasOption("C")
        if continues { argv.append("-C") }
        if options.sysroot != "/" { argv += ["-r", root] }
        argv.append(options.verbose ? "-v" : "-q")
        argv += [inRoot(specfile), inRoot(path)]
        let r = try Subprocess.appliance(argv)
        guard r.status == 0 || (r.status == 1 && continues) else { throw CallError(Subprocess.errorText(r)) }
    }

    /// setfiles run with only the option: a setfiles without it says "invalid option --
    /// 'X'"; one with it complains about the missing arguments instead.
    static func setfilesHasOption(_ letter: Character) throws(CallError) -> Bool {
        let r = try Subprocess.appliance(["setfiles", "-\(letter)"])
        let err = String(decoding: r.err, as: UTF8.self)
        return !err.contains("'\(letter)'")
    }
}
