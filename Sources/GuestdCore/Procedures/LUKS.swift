import Glibc
import GuestProtocol

/// The luks group (daemon/luks.c, cryptsetup.ml of libguestfs 1.48): cryptsetup with
/// the key in a temporary file that is removed whatever happens. Without udev,
/// libdevmapper makes the /dev/mapper node itself (DM_DISABLE_UDEV, set at boot).
extension Daemon {
    func doCryptsetupOpen(device: String, key: ByteString, mapname: ByteString, readonly: Bool?, crypttype: ByteString?) throws(CallError) {
        let node = "/dev/mapper/\(mapname)"
        var st = stat()
        if stat(node, &st) == 0, st.st_mode & S_IFMT == S_IFBLK { throw CallError("\(node): device already exists") }
        let type: String
        if let crypttype { type = crypttype.description } else {
            let found = (try? Probe.filesystemType(device)) ?? ""
            switch found {
            case "crypto_LUKS": type = "luks"
            case "BitLocker": type = "bitlk"
            default: throw CallError("\(found): unknown encrypted device type")
            }
        }
        try withKeyFile(key) { keyFile throws(CallError) in
            try Self.ocamlCommand("cryptsetup", ["-d", keyFile] + (readonly == true ? ["--readonly"] : [])
                + ["open", device, mapname.description, "--type", type])
        }
    }

    func doCryptsetupClose(device: String) throws(CallError) {
        guard device.hasPrefix("/dev/mapper/") else {
            throw CallError("\(device): you must call this on the /dev/mapper device created by cryptsetup-open")
        }
        try Self.ocamlCommand("cryptsetup", ["close", String(device.dropFirst("/dev/mapper/".count))])
    }

    func doLuksOpen(device: String, key: ByteString, mapname: ByteString) throws(CallError) {
        try doCryptsetupOpen(device: device, key: key, mapname: mapname, readonly: nil, crypttype: "luks")
    }

    func doLuksOpenRO(device: String, key: ByteString, mapname: ByteString) throws(CallError) {
        try doCryptsetupOpen(device: device, key: key, mapname: mapname, readonly: true, crypttype: "luks")
    }

    func doLuksClose(device: String) throws(CallError) { try doCryptsetupClose(device: device) }

    func doLuksFormat(device: String, key: ByteString, keyslot: Int32) throws(CallError) {
        try luksFormat(device, key, keyslot, cipher: nil)
    }

    func doLuksFormatCipher(device: String, key: ByteString, keyslot: Int32, cipher: ByteString) throws(CallError) {
        try luksFormat(device, key, keyslot, cipher: cipher.description)
    }

    func doLuksAddKey(device: String, key: ByteString, newkey: ByteString, keyslot: Int32) throws(CallError) {
        try withKeyFile(key) { keyFile throws(CallError) in
            try withKeyFile(newkey) { newKeyFile throws(CallError) in
                try cryptsetup(["-q", "-d", keyFile, "--key-slot", "\(keyslot)", "luksAddKey", device, newKeyFile])
            }
        }
    }

    func doLuksKillSlot(device: String, key: ByteString, keyslot: Int32) throws(CallError) {
        try withKeyFile(key) { keyFile throws(CallError) in
            try cryptsetup(["-q", "-d", keyFile, "luksKillSlot", device, "\(keyslot)"])
        }
    }

    func doLuksUUID(device: String) throws(CallError) -> ByteString {
        ByteString(String(decoding: try cryptsetup(["luksUUID", device]), as: UTF8.self).trimmingWhitespace())
    }

    private func luksFormat(_ device: String, _ key: ByteString, _ keyslot: Int32, cipher: String?) throws(CallError) {
        try withKeyFile(key) { keyFile throws(CallError) in
            try cryptsetup(["-q"] + (cipher.map { ["--cipher", $0] } ?? []) + ["--key-slot", "\(keyslot)", "luksFormat", device, keyFile])
        }
    }

    /// cryptsetup from C (commandv): the error is its stderr alone.
    @discardableResult
    private func cryptsetup(_ args: [String]) throws(CallError) -> [UInt8] {
        let r = try Subprocess.appliance(["cryptsetup"] + args)
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
        return r.out
    }

    /// The key, written to a fresh file in /tmp (a tmpfs) for cryptsetup's -d, and
    /// removed after the body, success or not.
    @discardableResult
    private func withKeyFile<T>(_ key: ByteString, _ body: (String) throws(CallError) -> T) throws(CallError) -> T {
        var template = Array("/tmp/luksXXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw CallError.perror("mkstemp", errno) }
        let path = String(nulTerminated: template)
        defer { unlink(path) }
        let bytes = key.bytes
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let writeErrno = errno
        guard close(fd) == 0 else { throw CallError.perror("close", errno) }
        guard written == bytes.count else { throw CallError.perror("write", writeErrno) }
        return try body(path)
    }
}

extension Daemon {
    /// The OCaml daemon's `command`: a failure reads "PROG exited with status N: STDERR".
    @discardableResult
    static func ocamlCommand(_ program: String, _ args: [String]) throws(CallError) -> [UInt8] {
        let r = try Subprocess.appliance([program] + args)
        guard r.succeeded else { throw CallError("\(program) exited with status \(r.status): \(Subprocess.errorText(r))") }
        return r.out
    }
}
