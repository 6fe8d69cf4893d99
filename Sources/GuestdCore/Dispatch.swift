import Glibc
import GuestProtocol

/// dispatch_incoming_message and the generated stubs (generator/daemon.ml): the
/// procedure's optional group and the optional-arguments bitmask are checked, arguments are decoded strictly, then each is
/// checked by its type (ABS_PATH, RESOLVE_DEVICE, REQUIRE_ROOT_OR_RESOLVE_DEVICE,
/// NEED_ROOT …) with the real stubs' texts before the procedure's handler runs.
extension Daemon {
    /// Every served procedure's handler, by number (Generated/ProcedureHandlers.swift).
    static let handlers: [UInt32: Handler] = Dictionary(uniqueKeysWithValues: procedureHandlers.map { ($0.0.number, $0.1) })

    func dispatch(_ h: CallHeader, _ proc: Procedure, _ d: inout XDRDecoder, fileIn: FileInReceiver?) throws(CallError) -> Answer {
        guard let handler = Daemon.handlers[proc.number] else { throw unknownProcedure(h.procedure) }
        // The stub's first check: a procedure of an optional group this build lacks.
        if let group = proc.group { try Daemon.requireGroup(group) }
        if proc.optionals.isEmpty {
            guard h.optargsBitmask == 0 else {
                throw CallError("header optargs_bitmask field must be passed as 0 for calls that don't take optional arguments")
            }
        } else if h.optargsBitmask >> UInt64(proc.optionals.count) != 0 {
            throw CallError("unknown option in optional arguments bitmask (this can happen if a program is compiled against a newer version of libguestfs, then run against an older version of the daemon)")
        }
        var call = Call(procedure: proc, values: try decodeArguments(proc, &d), optargsBitmask: h.optargsBitmask, fileIn: fileIn)
        try checkArguments(&call)
        return try handler(self, call)
    }

    func unknownProcedure(_ n: UInt32) -> CallError {
        CallError("dispatch_incoming_message: unknown procedure number \(Int32(bitPattern: n)), set LIBGUESTFS_PATH to point to the matching libguestfs appliance directory")
    }

    private func decodeArguments(_ proc: Procedure, _ d: inout XDRDecoder) throws(CallError) -> [Call.Value] {
        do {
            var values: [Call.Value] = []
            for kind in proc.wireArguments + proc.optionals.map(\.kind) { values.append(try ArgumentValue.decode(kind, &d)) }
            try d.finish()
            return values
        } catch {
            throw CallError("daemon failed to decode procedure arguments")
        }
    }

    /// The stub's per-type checks, in argument order; NEED_ROOT once at the end if any
    /// argument is a guest path.
    private func checkArguments(_ call: inout Call) throws(CallError) {
        let stub = call.stub
        for (i, kind) in call.procedure.wireArguments.enumerated() {
            switch kind {
            case .pathname:
                try absolutePath(call.argument(i), stub)
            case .mountable:
                call.values[i] = .string(ByteString(try resolveMountable(call.argument(i), stub)))
            case .mountableOrPath:
                // RESOLVE_MOUNTABLE for "/dev/…" and "btrfsvol:…", else a guest path.
                let arg: ByteString = try call.argument(i)
                if let text = arg.string, text.hasPrefix("/dev/") || text.hasPrefix(Mountable.btrfsPrefix) {
                    call.values[i] = .string(ByteString(try resolveMountable(text, stub)))
                } else {
                    try needRoot(stub)
                    try absolutePath(arg, stub)
                }
            case .device:
                call.values[i] = .string(try devices.resolve(call.argument(i), function: stub))
            case .devOrPath:
                // Device names are text; anything else is a guest path, left as its bytes.
                let path: ByteString = try call.argument(i)
                if let device = path.string, devices.isDeviceArgument(device) {
                    call.values[i] = .string(try devices.resolve(device, function: stub))
                } else {
                    try needRoot(stub)
                    try absolutePath(path, stub)
                }
            case .deviceList:
                var resolved: [ByteString] = []
                for device: String in try call.argument(i) { resolved.append(ByteString(try devices.resolve(device, function: stub))) }
                call.values[i] = .strings(resolved)
            case .filenameList:
                for name: ByteString in try call.argument(i) where name.contains(UInt8(ascii: "/")) {
                    throw CallError("\(stub): '\(name)' is not a file name")
                }
            default:
                break
            }
        }
        if call.procedure.wireArguments.contains(.pathname) { try needRoot(stub) }
    }

    /// RESOLVE_MOUNTABLE: a device, or a btrfs subvolume "btrfsvol:DEVICE/VOLUME".
    private func resolveMountable(_ text: String, _ stub: String) throws(CallError) -> String {
        guard text.hasPrefix(Mountable.btrfsPrefix) else { return try devices.resolve(text, function: stub) }
        let rest = String(text.dropFirst(Mountable.btrfsPrefix.count))
        guard let m = Mountable.parseBtrfsVolume(rest, resolve: { try? devices.translate($0) }) else {
            throw CallError("\(stub): \(text): expecting a btrfs volume").inCallersNames
        }
        return m.text
    }

    /// ABS_PATH.
    func absolutePath(_ path: ByteString, _ stub: String) throws(CallError) {
        guard path.hasPrefix("/") else { throw CallError("\(stub): path must start with a / character") }
    }

    /// The device a DevOrPath argument names once checked, or nil for a guest path.
    func deviceArgument(_ arg: ByteString) -> String? {
        guard arg.hasPrefix("/dev/"), let device = arg.string, devices.isDeviceParameter(device) else { return nil }
        return device
    }

    /// NEED_ROOT. In host test mode the sysroot directory stands for a mounted root.
    func needRoot(_ stub: String) throws(CallError) {
        guard isHostTest || mounts.isRootMounted else {
            throw CallError("\(stub): you must call 'mount' first to mount the root filesystem")
        }
    }

    var isHostTest: Bool { !options.isPID1 && options.channelPath != nil }

    /// Host test mode leaves the host's own block devices alone.
    func syncDisks() {
        Sync.syncDisks(devices: devices, includeDevices: options.isPID1)
    }
}
