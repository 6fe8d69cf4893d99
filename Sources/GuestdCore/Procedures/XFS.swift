import Glibc
import GuestProtocol
import StorageText

/// The xfs group (daemon/xfs.c of libguestfs 1.48): xfsprogs' xfs_info, xfs_growfs,
/// xfs_admin and xfs_repair run with the real daemon's options and error texts. set_label,
/// set_uuid, set_uuid_random and vfs_minimum_size reach XFS through these too.
extension Daemon {
    /// A device argument is given to xfs_info as it is (xfs_db reads it unmounted, or
    /// xfs_spaceman where findmnt finds it mounted); anything else is a guest path.
    func doXfsInfo(pathordevice: ByteString) throws(CallError) -> StructValue {
        let info: XFSInfo
        if let device = deviceArgument(pathordevice) {
            info = try xfsInfo(ByteString(device))
        } else {
            info = try xfsInfo(try sysrootPath(pathordevice))
        }
        var shown = info
        // xfs_db names the device it read: the caller's name for it, as on a stock appliance.
        if shown.mntpoint.hasPrefix("/dev/") { shown.mntpoint = devices.reverse(shown.mntpoint) }
        return Daemon.xfsinfoStruct(shown)
    }

    func xfsInfo(_ target: ByteString) throws(CallError) -> XFSInfo {
        let r = try Subprocess.appliance(["xfs_info", target])
        // The tools name devices as this kernel does: the caller's names in the error.
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
        do throws(XFSInfo.ParseError) {
            return try XFSInfo.parse(String(decoding: r.out, as: UTF8.self))
        } catch {
            throw CallError(ByteString(error.message))
        }
    }

    static func xfsinfoStruct(_ i: XFSInfo) -> StructValue {
        let u32 = { (v: UInt32) in FieldValue.int(Int64(v)) }
        let u64 = { (v: UInt64) in FieldValue.int(Int64(bitPattern: v)) }
        return StructValue(.xfsinfo, [
            .string(ByteString(i.mntpoint)), u32(i.inodesize), u32(i.agcount), u32(i.agsize), u32(i.sectsize), u32(i.attr),
            u32(i.blocksize), u64(i.datablocks), u32(i.imaxpct), u32(i.sunit), u32(i.swidth), u32(i.dirversion),
            u32(i.dirblocksize), u32(i.cimode), .string(ByteString(i.logname)), u32(i.logblocksize), u32(i.logblocks),
            u32(i.logversion), u32(i.logsectsize), u32(i.logsunit), u32(i.lazycount), .string(ByteString(i.rtname)),
            u32(i.rtextsize), u64(i.rtblocks), u64(i.rtextents),
        ])
    }

    func doXfsGrowfs(path: ByteString, datasec: Bool?, logsec: Bool?, rtsec: Bool?, datasize: Int64?, logsize: Int64?,
                     rtsize: Int64?, rtextsize: Int64?, maxpct: Int32?) throws(CallError) {
        var argv: [ByteString] = ["xfs_growfs"]
        if datasec == true { argv.append("-d") }
        if logsec == true { argv.append("-l") }
        if rtsec == true { argv.append("-r") }
        for (name, flag, value) in [("datasize", "-D", datasize), ("logsize", "-L", logsize), ("rtsize", "-R", rtsize),
                                    ("rtextsize", "-e", rtextsize), ("maxpct", "-m", maxpct.map(Int64.init))] {
            guard let value else { continue }
            guard value >= 0 else { throw CallError("\(name) must be >= 0") }
            argv += [ByteString(flag), ByteString(String(value))]
        }
        argv.append(try sysrootPath(path))
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else { throw CallError(path + ": " + Subprocess.errorText(r)) }
    }

    func doXfsAdmin(device: String, extunwritten: Bool?, imgfile: Bool?, v2log: Bool?, projid32bit: Bool?,
                    lazycounter: Bool?, label: ByteString?, uuid: ByteString?) throws(CallError) {
        var argv: [ByteString] = ["xfs_admin"]
        if extunwritten == true { argv.append("-e") }
        if imgfile == true { argv.append("-f") }
        if v2log == true { argv.append("-j") }
        if projid32bit == true { argv.append("-p") }
        if let lazycounter { argv += ["-c", lazycounter ? "1" : "0"] }
        if let label {
            guard label.bytes.count <= Daemon.xfsLabelMax else {
                throw CallError(label + ": xfs labels are limited to \(Daemon.xfsLabelMax) bytes")
            }
            argv += ["-L", label]
        }
        if let uuid { argv += ["-U", uuid] }
        argv.append(ByteString(device))
        // xfs_admin's messages go to stdout: both streams make the error.
        let r = try Subprocess.appliance(argv, foldStdout: true)
        guard r.succeeded else {
            throw CallError(ByteString("\(device): ") + Subprocess.errorText(r))
        }
    }

    /// XFS_LABEL_MAX: the superblock's label field.
    static let xfsLabelMax = 12

    /// The exit status is the answer (1: damage found with nomodify); only a run that
    /// does not finish is an error.
    func doXfsRepair(device: ByteString, forcelogzero: Bool?, nomodify: Bool?, noprefetch: Bool?, forcegeometry: Bool?,
                     maxmem: Int64?, ihashsize: Int64?, bhashsize: Int64?, agstride: Int64?, logdev: ByteString?,
                     rtdev: ByteString?) throws(CallError) -> Int32 {
        var argv: [ByteString] = ["xfs_repair"]
        if forcelogzero == true { argv.append("-L") }
        if nomodify == true { argv.append("-n") }
        if noprefetch == true { argv.append("-P") }
        if forcegeometry == true { argv += ["-o", "force_geometry"] }
        if let maxmem {
            guard maxmem >= 0 else { throw CallError("maxmem must be >= 0") }
            argv += ["-m", ByteString(String(maxmem))]
        }
        for (name, key, value) in [("ihashsize", "ihash", ihashsize), ("bhashsize", "bhash", bhashsize), ("agstride", "ag_stride", agstride)] {
            guard let value else { continue }
            guard value >= 0 else { throw CallError("\(name) must be >= 0") }
            argv += ["-o", ByteString("\(key)=\(value)")]
        }
        if let logdev { argv += ["-l", logdev] }
        if let rtdev { argv += ["-r", rtdev] }
        let shown: ByteString
        if let dev = deviceArgument(device) {
            argv.append(ByteString(dev))
            shown = ByteString(dev)
        } else {
            argv += ["-f", try sysrootPath(device)]
            shown = device
        }
        let r = try Subprocess.appliance(argv)
        // A signal's death (128 + signal) is what the real daemon's command gives -1 for.
        guard r.status < 128 else { throw CallError(shown + ": " + Subprocess.errorText(r)) }
        return r.status
    }

    /// set_label on XFS: "---" is xfs_admin's word for clearing, refused here.
    func xfsSetLabel(_ device: String, _ label: ByteString) throws(CallError) {
        guard label != "---" else { throw CallError("xfs: invalid new label") }
        try doXfsAdmin(device: device, extunwritten: nil, imgfile: nil, v2log: nil, projid32bit: nil, lazycounter: nil,
                       label: label, uuid: nil)
    }

    /// set_uuid on XFS: xfs_admin's own words "nil" and "generate" are refused.
    func xfsSetUUID(_ device: String, _ uuid: ByteString) throws(CallError) {
        guard uuid != "nil", uuid != "generate" else { throw CallError("xfs: invalid new UUID") }
        try xfsAdminUUID(device, uuid)
    }

    func xfsAdminUUID(_ device: String, _ uuid: ByteString) throws(CallError) {
        try doXfsAdmin(device: device, extunwritten: nil, imgfile: nil, v2log: nil, projid32bit: nil, lazycounter: nil,
                       label: nil, uuid: uuid)
    }

    /// vfs_minimum_size on XFS: the current size (XFS cannot shrink), from a mount point.
    func xfsMinimumSize(_ guestPath: ByteString) throws(CallError) -> Int64 {
        let info = try xfsInfo(try sysrootPath(guestPath))
        let blocksize = Int64(info.blocksize)
        guard blocksize > 0, Int64.max / blocksize >= Int64(clamping: info.datablocks), info.datablocks <= UInt64(Int64.max) else {
            throw CallError("filesystem size too big: overflow")
        }
        return blocksize * Int64(info.datablocks)
    }
}
