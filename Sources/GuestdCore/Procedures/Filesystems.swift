import Glibc
import GuestProtocol

/// mkfs, e2fsck, e2fsck_f, fsck, tune2fs_l, df, df_h (daemon/mkfs.c, ext2.c, fsck.c,
/// df.c of libguestfs 1.48): the host's tools, copied into the root by HostFiles, run
/// with the real daemon's arguments and error texts.
extension Daemon {
    func doMkfs(fstype: ByteString, device: String, blocksize: Int32?, features: ByteString?, inode: Int32?, sectorsize: Int32?, label: ByteString?) throws(CallError) {
        try Mkfs(fstype: fstype.description, device: device, blocksize: blocksize, features: features?.description,
                 inode: inode, sectorsize: sectorsize, label: label).run()
    }

    func doE2fsck(device: String, correct: Bool?, forceall: Bool?) throws(CallError) {
        try Daemon.e2fsck(device, correct: correct ?? false, forceall: forceall ?? false)
    }

    func doE2fsckF(device: String) throws(CallError) {
        try Daemon.e2fsck(device, correct: true, forceall: false)
    }

    func doFsck(fstype: ByteString, device: String) throws(CallError) -> Int32 {
        let r = try Subprocess.appliance(["fsck", "-a", "-t", fstype.description, device])
        return r.status
    }

    func doTune2fsL(device: String) throws(CallError) -> [(ByteString, ByteString)] {
        let r = try Subprocess.appliance(["tune2fs", "-l", device])
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
        return Daemon.tune2fsFields(r.out)
    }

    // wipefs -a --force (Debian's wipefs has --force; the real daemon asks --help).
    func doWipefs(device: String) throws(CallError) {
        let r = try Subprocess.appliance(["wipefs", "-a", "--force", device])
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
    }

    func doDf() throws(CallError) -> ByteString {
        try df([], stub: Procedure.df.stub)
    }

    func doDfH() throws(CallError) -> ByteString {
        try df(["-h"], stub: Procedure.dfH.stub)
    }


    /// e2fsck -f, noninteractive with -p or -y; exit 1 (errors corrected) is success.
    private static func e2fsck(_ device: String, correct: Bool, forceall: Bool) throws(CallError) {
        guard !(correct && forceall) else { throw CallError("only one of the options 'correct', 'forceall' may be specified") }
        let argv = ["e2fsck", "-f"] + (correct ? ["-p"] : []) + (forceall ? ["-y"] : []) + [device]
        let r = try Subprocess.appliance(argv, foldStdout: true)
        guard r.status < 2 else { throw CallError(Subprocess.errorText(r)) }
    }

    /// tune2fs -l as "key: value" pairs: the version line dropped, empty values for
    /// <none> and <not available>, a line without a colon a key with an empty value.
    /// Bytes, as tune2fs prints them ("Last mounted on" is a guest path).
    static func tune2fsFields(_ output: [UInt8]) -> [(ByteString, ByteString)] {
        var lines = output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { ByteString($0) }
        if let first = lines.first, first.hasPrefix("tune2fs ") || first.hasPrefix("tune4fs ") { lines.removeFirst() }
        return lines.map { line in
            guard let colon = line.bytes.firstIndex(of: UInt8(ascii: ":")) else { return (line, "") }
            let value = ByteString(line.bytes[(colon + 1)...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            let empty = ["<none>", "<not available>", "(none)"].contains(value)
            return (ByteString(line.bytes[..<colon]), empty ? "" : value)
        }
    }

    /// df of the appliance (not chrooted): the guest's filesystems under the sysroot.
    private func df(_ flags: [String], stub: String) throws(CallError) -> ByteString {
        try needRoot(stub)
        let r = try Subprocess.appliance(["df"] + flags)
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
        return ByteString(r.out)
    }
}
