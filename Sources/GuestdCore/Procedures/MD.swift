import Glibc
import GuestProtocol
import StorageText

/// md RAID (daemon/md.c and md.ml of libguestfs 1.48): the same mdadm commands,
/// argument checks and error texts. Member names in answers are the user's.
extension Daemon {
    static let mdLevels: Set<String> = [
        "linear", "raid0", "0", "stripe", "raid1", "1", "mirror", "raid4", "4", "raid5", "5", "raid6", "6", "raid10", "10",
    ]

    func doMdCreate(name: ByteString, devices: [String], missingbitmap: Int64?, nrdevices: Int32?, spare: Int32?,
                    chunk: Int64?, level: ByteString?) throws(CallError) {
        let missing = UInt64(bitPattern: missingbitmap ?? 0)
        if let spare, spare < 0 { throw CallError("spare must not be negative") }
        if let nrdevices, nrdevices < 2 { throw CallError("nrdevices is less than 2") }
        let missingCount = missing.nonzeroBitCount
        let active = nrdevices.map(Int.init) ?? devices.count + missingCount
        let level = level?.description ?? "raid1"
        guard Self.mdLevels.contains(level) else { throw CallError("unknown level parameter: \(level)") }
        if let chunk, chunk & 1023 != 0 { throw CallError("chunk size must be a multiple of 1024 bytes") }
        guard devices.count + missingCount == active + Int(spare ?? 0) else {
            throw CallError("devices (\(devices.count)) + bits set in missingbitmap (\(missingCount)) is not equal to nrdevices (\(active)) + spare (\(spare ?? 0))")
        }
        var argv = ["mdadm", "--create", "--run", name.description, "--level", level, "--raid-devices", "\(active)"]
        if let spare { argv += ["--spare-devices", "\(spare)"] }
        if let chunk { argv += ["--chunk", "\(chunk / 1024)"] }
        // Bit i of the bitmap puts "missing" in slot i; the devices fill the other slots.
        var bits = missing, next = 0
        while next < devices.count || bits != 0 {
            if bits & 1 == 1 {
                argv.append("missing")
            } else {
                argv.append(devices[next])
                next += 1
            }
            bits >>= 1
        }
        _ = modules.ensureModule("md_mod")
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else { throw CallError("mdadm: \(name): \(Subprocess.errorText(r))") }
    }

    func doListMdDevices() throws(CallError) -> [ByteString] {
        MD.devices(sysfs: devices.sysfs).map { ByteString($0) }
    }

    /// The pairs of `mdadm -D --export`; member names (in keys like
    /// device_dev_sdb1_role too) are the user's.
    func doMdDetail(md: String) throws(CallError) -> [(ByteString, ByteString)] {
        let pairs = try MD.detail(md)
        var renames: [(String, String)] = []
        for (_, value) in pairs where value.hasPrefix("/dev/") {
            let user = devices.reverse(value)
            if user != value {
                renames.append((Self.mdKeyWord(value), Self.mdKeyWord(user)))
            }
        }
        return pairs.map { key, value in
            var key = key
            // One device per key: the first rename that applies, never a chain of them.
            for (from, to) in renames where key.replacingFirst(from, with: to) != key {
                key = key.replacingFirst(from, with: to)
                break
            }
            return (ByteString(key), ByteString(value.hasPrefix("/dev/") ? devices.reverse(value) : value))
        }
    }

    /// How mdadm --export spells a device inside a key: /dev/sdb1 → dev_sdb1 (lower-cased
    /// with the key).
    private static func mdKeyWord(_ path: String) -> String {
        "_" + String(path.dropFirst().map { $0 == "/" ? "_" : $0 }).lowercased() + "_"
    }

    func doMdStop(md: String) throws(CallError) {
        let r = try Subprocess.appliance(["mdadm", "--stop", md])
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
    }

    func doMdStat(md: String) throws(CallError) -> [StructValue] {
        let text: String
        do throws(SysError) { text = try MD.readFile("/proc/mdstat") } catch {
            throw CallError.perror("fopen: /proc/mdstat", error.errno)
        }
        let members: [MDStat.Member]
        do throws(MDStat.ParseError) { members = try MDStat.members(of: md, in: text) } catch {
            // The name in "NAME: MD device not found" is the caller's.
            if case .notFound = error { throw CallError(ByteString(MDStat.ParseError.notFound(String(devices.reverse(md).dropFirst(5))).message)) }
            throw CallError(ByteString(error.message))
        }
        return members.map { m in
            StructValue(.mdstat, [.string(devices.reverse(m.device)), .int(Int64(m.index)), .string(m.flags)])
        }
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let chars = Array(self), t = Array(target)
        guard !t.isEmpty, chars.count >= t.count else { return self }
        for i in 0 ... (chars.count - t.count) where Array(chars[i ..< i + t.count]) == t {
            return String(chars[..<i]) + replacement + String(chars[(i + t.count)...])
        }
        return self
    }
}
