import Glibc
import GuestProtocol

/// dispatch_incoming_message and the generated stubs' checks (generator/daemon.ml):
/// arguments are decoded strictly, then each procedure runs with the real stub's
/// argument rules (ABS_PATH, NEED_ROOT, RESOLVE_DEVICE …) and error texts.
extension Daemon {
    func dispatch(_ h: CallHeader, _ d: inout XDRDecoder) throws(CallError) -> Answer {
        guard let proc = Procedure.numbered(h.procedure) else { throw unknownProcedure(h.procedure) }
        // None of the served procedures has optional arguments.
        guard h.optargsBitmask == 0 else {
            throw CallError("header optargs_bitmask field must be passed as 0 for calls that don't take optional arguments")
        }
        let args = try decodeStrings(proc, &d)
        let stub = proc.name + "_stub"  // what __func__ names in the real stubs' messages

        switch proc {
        case .pingDaemon:
            return .none
        case .listDevices:
            return .value(encode(devices.listDevices()))
        case .listPartitions:
            return .value(encode(devices.listPartitions()))
        case .vfsType:
            let device = try devices.resolve(args[0], function: stub)
            do {
                var e = XDREncoder()
                e.string(try Probe.filesystemType(device))
                return .value(e.bytes)
            } catch {
                throw CallError.perror("blkid: \(device): TYPE", error.errno)
            }
        case .mount, .mountRO:
            let device = try devices.resolve(args[0], function: stub)
            try mount(device: device, mountpoint: args[1], options: proc == .mountRO ? "ro" : "")
            return .none
        case .umountAll:
            try mounts.unmountAll()
            return .none
        case .sync:
            syncDisks()
            return .none
        case .internalAutosync:
            defer { syncDisks() }
            try mounts.unmountAll()
            return .none
        case .ls0:
            try absolutePath(args[0], stub)
            try needRoot(stub)
            return try files.ls0(args[0])
        case .download:
            return try download(args[0], stub)
        default:
            throw unknownProcedure(h.procedure)
        }
    }

    private func unknownProcedure(_ n: UInt32) -> CallError {
        CallError("dispatch_incoming_message: unknown procedure number \(Int32(bitPattern: n)), set LIBGUESTFS_PATH to point to the matching libguestfs appliance directory")
    }

    /// Every served procedure takes only strings; anything else would be a new
    /// procedure that needs its own decoding here.
    private func decodeStrings(_ proc: Procedure, _ d: inout XDRDecoder) throws(CallError) -> [String] {
        do {
            var args: [String] = []
            for kind in proc.arguments {
                guard kind == .string else { throw XDRError.badEnum(field: "argument kind", value: 0) }
                args.append(try d.string())
            }
            try d.finish()
            return args
        } catch {
            throw CallError("daemon failed to decode procedure arguments")
        }
    }

    private func encode(_ list: [String]) -> [UInt8] {
        var e = XDREncoder()
        e.stringList(list)
        return e.bytes
    }

    /// ABS_PATH.
    private func absolutePath(_ path: String, _ stub: String) throws(CallError) {
        guard path.hasPrefix("/") else { throw CallError("\(stub): path must start with a / character") }
    }

    /// NEED_ROOT. In host test mode the sysroot directory stands for a mounted root.
    private func needRoot(_ stub: String) throws(CallError) {
        let hostTest = !options.isPID1 && options.channelPath != nil
        guard hostTest || mounts.isRootMounted else {
            throw CallError("\(stub): you must call 'mount' first to mount the root filesystem")
        }
    }

    /// download: REQUIRE_ROOT_OR_RESOLVE_DEVICE, then a device node or a guest file.
    private func download(_ path: String, _ stub: String) throws(CallError) -> Answer {
        if devices.isDeviceParameter(path) {
            let device = try devices.resolve(path, function: stub)
            let fd = open(device, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CallError.perror(device, errno) }
            return try files.download(fd: fd, name: device, isDevice: true)
        }
        try needRoot(stub)
        try absolutePath(path, stub)
        let fd: Int32
        do { fd = try sysroot.open(path, flags: O_RDONLY) } catch { throw CallError.perror(path, error.errno) }
        return try files.download(fd: fd, name: path, isDevice: false)
    }

    /// mount_vfs: the mountpoint must be a directory in the sysroot; the filesystem's
    /// module is loaded first since nothing in the appliance would load it on demand.
    private func mount(device: String, mountpoint: String, options: String) throws(CallError) {
        let notDirectory = CallError("mount: \(mountpoint): mount point is not a directory")
        guard mountpoint.hasPrefix("/") else { throw notDirectory }
        let target: String
        do { target = try sysroot.directoryHostPath(mountpoint) } catch {
            throw error.errno == ENOTDIR ? notDirectory : CallError.perror("mount: \(mountpoint)", error.errno)
        }
        let fstype = (try? Probe.filesystemType(device)) ?? ""
        modules.ensureFilesystem(fstype)
        try mounts.mount(device: device, target: target, userMountpoint: mountpoint, options: options, fstype: fstype)
    }

    /// Host test mode leaves the host's own block devices alone.
    private func syncDisks() {
        Sync.syncDisks(devices: devices, includeDevices: options.isPID1)
    }
}
