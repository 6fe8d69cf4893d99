import Glibc
import GuestProtocol

/// NTFS (daemon/ntfs.c and ntfsclone.c of libguestfs 1.48): ntfs-3g's and ntfsprogs'
/// tools with the real daemon's arguments and error texts; devices in texts are the
/// user's names.
extension Daemon {
    /// The exit status of ntfs-3g.probe: 0 mountable, else its documented codes.
    func doNtfs3gProbe(rw: Bool, device: String) throws(CallError) -> Int32 {
        do throws(SysError) {
            return try Subprocess.run(["ntfs-3g.probe", rw ? "-w" : "-r", ByteString(device)], root: nil).status
        } catch {
            throw CallError("\(device): \(error.call): \(error.reason)")
        }
    }

    func doNtfsresize(device: String, size: Int64?, force: Bool?) throws(CallError) {
        var argv = ["ntfsresize", "-P"]
        if let size {
            guard size > 0 else { throw CallError("size is zero or negative") }
            argv += ["--size", "\(size)"]
        }
        if force == true { argv.append("--force") }
        try ntfsTool(argv + [device], device: device, foldStdout: true)
    }

    func doNtfsresizeSize(device: String, size: Int64) throws(CallError) {
        try doNtfsresize(device: device, size: size, force: nil)
    }

    func doNtfsfix(device: String, clearbadsectors: Bool?) throws(CallError) {
        try ntfsTool(["ntfsfix"] + (clearbadsectors == true ? ["-b"] : []) + [device], device: device, foldStdout: false)
    }

    /// "DEVICE: STDERR" when the tool fails.
    private func ntfsTool(_ argv: [String], device: String, foldStdout: Bool) throws(CallError) {
        let r = try Subprocess.appliance(argv, foldStdout: foldStdout)
        guard r.succeeded else {
            throw CallError(ByteString("\(device): ") + Subprocess.errorText(r))
        }
    }

    func doNtfscloneOut(device: String, metadataonly: Bool?, rescue: Bool?, ignorefscheck: Bool?, preservetimestamps: Bool?,
                        force: Bool?) throws(CallError) -> Answer {
        var argv: [ByteString] = ["ntfsclone", "-o", "-", "--save-image"]
        if metadataonly == true { argv.append("--metadata") }
        if rescue == true { argv.append("--rescue") }
        if ignorefscheck == true { argv.append("--ignore-fs-check") }
        if preservetimestamps == true { argv.append("--preserve-timestamps") }
        if force == true { argv.append("--force") }
        return try PipedChild.streamOutput(of: argv + [ByteString(device)])
    }

    func doNtfscatI(device: String, inode: Int64) throws(CallError) -> Answer {
        guard inode >= 0 else { throw CallError("inode must be >= 0") }
        return try PipedChild.streamOutput(of: ["ntfscat", "-i", ByteString("\(inode)"), ByteString(Mountable(device).device)])
    }

    /// ntfsclone --restore-image from the uploaded chunks onto the device.
    func doNtfscloneIn(device: String, fileIn: FileInReceiver?) throws(CallError) {
        let argv: [ByteString] = ["ntfsclone", "-O", ByteString(device), "--restore-image", "-"]
        let fed = try PipedChild.feed(argv, from: fileIn, stub: "ntfsclone_in")
        let name = device
        switch fed.failure {
        case .sinkFailed?: throw CallError(ByteString("write error on device: \(name): ") + fed.errors)
        case .cancelledByLibrary?: throw CallError("ntfsclone cancelled")
        case nil:
            guard fed.status == 0 else {
                throw CallError(ByteString("ntfsclone subcommand failed on device: \(name): ") + fed.errors)
            }
        }
    }
}
