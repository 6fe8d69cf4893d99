import Glibc
import GuestProtocol

/// Swap (daemon/swap.c of libguestfs 1.48): util-linux's mkswap, swapon and swapoff, with
/// the real daemon's label check and error texts. swap labels and UUIDs set later go
/// through swaplabel (Labels.swift).
extension Daemon {
    /// The label field of a Linux swap header.
    static let swapLabelMax = 16

    static func checkSwapLabel(_ label: ByteString) throws(CallError) {
        guard label.bytes.count <= swapLabelMax else {
            throw CallError(label + ": Linux swap labels are limited to \(swapLabelMax) bytes")
        }
    }

    func doMkswap(device: String, label: ByteString?, uuid: ByteString?) throws(CallError) {
        var argv: [ByteString] = ["mkswap", "-f"]
        if let label {
            try Daemon.checkSwapLabel(label)
            argv += ["-L", label]
        }
        if let uuid { argv += ["-U", uuid] }
        argv.append(ByteString(device))
        Mkfs.wipeSignatures(device)
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else { throw CallError(ByteString("\(device): ") + Subprocess.errorText(r)) }
    }

    func doMkswapL(label: ByteString, device: String) throws(CallError) {
        try doMkswap(device: device, label: label, uuid: nil)
    }

    func doMkswapU(uuid: ByteString, device: String) throws(CallError) {
        try doMkswap(device: device, label: nil, uuid: uuid)
    }

    func doMkswapFile(path: ByteString) throws(CallError) {
        let r = try Subprocess.appliance(["mkswap", "-f", try swapFilePath(path)])
        guard r.succeeded else { throw CallError(path + ": " + Subprocess.errorText(r)) }
    }

    func doSwaponDevice(device: String) throws(CallError) { try swapOnOff("swapon", [ByteString(device)]) }
    func doSwapoffDevice(device: String) throws(CallError) { try swapOnOff("swapoff", [ByteString(device)]) }
    func doSwaponFile(file: ByteString) throws(CallError) { try swapOnOff("swapon", [try swapFilePath(file)]) }
    func doSwapoffFile(file: ByteString) throws(CallError) { try swapOnOff("swapoff", [try swapFilePath(file)]) }

    func doSwaponLabel(label: ByteString) throws(CallError) {
        try Daemon.checkSwapLabel(label)
        try swapOnOff("swapon", ["-L", label])
    }

    func doSwapoffLabel(label: ByteString) throws(CallError) {
        try Daemon.checkSwapLabel(label)
        try swapOnOff("swapoff", ["-L", label])
    }

    func doSwaponUUID(uuid: ByteString) throws(CallError) { try swapOnOff("swapon", ["-U", uuid]) }
    func doSwapoffUUID(uuid: ByteString) throws(CallError) { try swapOnOff("swapoff", ["-U", uuid]) }

    /// A missing file is left to the program, named as the real daemon names it (the
    /// sysroot's path before the guest's), so that its own error reaches the caller.
    private func swapFilePath(_ path: ByteString) throws(CallError) -> ByteString {
        do throws(SysError) {
            return try sysroot.hostPath(path)
        } catch where error.errno == ENOENT {
            return ByteString(sysroot.path) + path
        } catch {
            throw CallError.perror(path, error.errno)
        }
    }

    /// The error names the value given to the program, as the real daemon's does (the
    /// reply puts the caller's device names back).
    private func swapOnOff(_ program: ByteString, _ args: [ByteString]) throws(CallError) {
        let r = try Subprocess.appliance([program] + args)
        guard r.succeeded else {
            throw CallError(args.last! + ": " + Subprocess.errorText(r))
        }
    }
}
