import Foundation
import GuestProtocol

/// Typed calls with libguestfs's names and semantics.
extension Session {
    public func pingDaemon() throws { _ = try call(.pingDaemon) }
    public func sync() throws { _ = try call(.sync) }
    public func internalAutosync() throws { _ = try call(.internalAutosync) }
    public func umountAll() throws { _ = try call(.umountAll) }

    // MARK: devices, partitions, probing

    public func listDevices() throws -> [String] { try strings(.listDevices) }
    public func listPartitions() throws -> [String] { try strings(.listPartitions) }
    public func listFilesystems() throws -> [(String, String)] { try table(.listFilesystems) }
    public func vfsType(_ mountable: String) throws -> String { try string(.vfsType, [.string(mountable)]) }
    public func vfsLabel(_ mountable: String) throws -> String { try string(.vfsLabel, [.string(mountable)]) }
    public func vfsUUID(_ mountable: String) throws -> String { try string(.vfsUUID, [.string(mountable)]) }
    public func blkid(_ device: String) throws -> [(String, String)] { try table(.blkid, [.string(device)]) }
    public func blockdevGetsize64(_ device: String) throws -> Int64 { try int(.blockdevGetsize64, [.string(device)]) }
    public func blockdevGetss(_ device: String) throws -> Int { Int(try int(.blockdevGetss, [.string(device)])) }
    public func partToDev(_ partition: String) throws -> String { try string(.partToDev, [.string(partition)]) }
    public func partToPartnum(_ partition: String) throws -> Int { Int(try int(.partToPartnum, [.string(partition)])) }
    public func partGetParttype(_ device: String) throws -> String { try string(.partGetParttype, [.string(device)]) }
    public func partList(_ device: String) throws -> [StructValue] { try structs(.partList, [.string(device)]) }
    public func zero(_ device: String) throws { _ = try invoke(.zero, [.string(device)]) }

    /// canonical_device_name is the library's own: /dev/hdX and /dev/vdX become /dev/sdX.
    public static func canonicalDeviceName(_ device: String) -> String {
        let b = Array(device.utf8)
        guard device.hasPrefix("/dev/"), !b[5...].contains(UInt8(ascii: "/")), b.count > 5, b[5] != UInt8(ascii: "m"),
              let d = b[5...].firstIndex(of: UInt8(ascii: "d")), d - 5 > 0, d - 5 <= 2 else { return device }
        return "/dev/sd" + String(decoding: b[(d + 1)...], as: UTF8.self)
    }

    // MARK: mounting

    public func mount(_ mountable: String, _ mountpoint: String) throws { _ = try invoke(.mount, [.string(mountable), .string(mountpoint)]) }
    public func mountRO(_ mountable: String, _ mountpoint: String) throws { _ = try invoke(.mountRO, [.string(mountable), .string(mountpoint)]) }
    public func mountOptions(_ options: String, _ mountable: String, _ mountpoint: String) throws {
        _ = try invoke(.mountOptions, [.string(options), .string(mountable), .string(mountpoint)])
    }
    public func umount(_ pathOrDevice: String, force: Bool? = nil, lazy: Bool? = nil) throws {
        var optionals: [Int: CallArgument] = [:]
        if let force { optionals[0] = .bool(force) }
        if let lazy { optionals[1] = .bool(lazy) }
        _ = try invoke(.umount, [.string(pathOrDevice)], optionals: optionals)
    }
    public func mounts() throws -> [String] { try strings(.mounts) }
    public func mountpoints() throws -> [(String, String)] { try table(.mountpoints) }

    // MARK: files and directories

    /// `ls`, as the library builds it: ls0 streams NUL-terminated names, sorted here.
    public func ls(_ directory: String) throws -> [String] {
        var raw: [UInt8] = []
        try callFileOut(.ls0, { $0.string(directory) }) { raw += $0 }
        return raw.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    /// `find`, as the library builds it from find0, sorted.
    public func find(_ directory: String) throws -> [String] {
        var raw: [UInt8] = []
        try callFileOut(.find0, { $0.string(directory) }) { raw += $0 }
        return raw.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    /// Streams a file (or a device) of the appliance to `sink`, chunk by chunk.
    public func download(_ path: String, to sink: ([UInt8]) throws -> Void) throws {
        try callFileOut(.download, { $0.string(path) }, sink: sink)
    }

    /// download to a host file, or with "-" to `stdout`.
    public func download(_ path: String, toHost hostPath: String, _ stdout: (String) -> Void) throws {
        try fileOut(.download, { $0.string(path) }, toHost: hostPath, stdout)
    }

    /// Any FileOut procedure into a host file, or with "-" to `stdout`.
    public func fileOut(_ proc: Procedure, optargs: UInt64 = 0, _ encodeArgs: (inout XDREncoder) -> Void, toHost hostPath: String,
                        _ stdout: (String) -> Void) throws {
        if hostPath == "-" {
            try callFileOut(proc, optargs: optargs, encodeArgs) { stdout(String(decoding: $0, as: UTF8.self)) }
            return
        }
        // open(2) as guestfs_download does: the named file itself is truncated and written.
        // (createFile writes atomically, replacing a symlink, FIFO or device by a new
        // regular file and leaving hard links with the old bytes.)
        let fd = open(hostPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw ClientError.io(call: "open", path: hostPath, errno: errno) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? handle.close() }
        try callFileOut(proc, optargs: optargs, encodeArgs) { handle.write(Data($0)) }
    }

    /// `cat`/`read_file`: the whole file in memory.
    public func readFile(_ path: String) throws -> [UInt8] {
        var data: [UInt8] = []
        try download(path) { data += $0 }
        return data
    }

    /// `write`: small contents in one call (internal_write), larger ones by upload, as
    /// the library does.
    public func write(_ path: String, _ content: [UInt8]) throws {
        if content.count <= 2 << 20 { _ = try invoke(.internalWrite, [.string(path), .buffer(content)]) }
        else { try upload(bytes: content, to: path) }
    }

    public func writeAppend(_ path: String, _ content: [UInt8]) throws {
        _ = try invoke(.internalWriteAppend, [.string(path), .buffer(content)])
    }

    public func pread(_ path: String, count: Int32, offset: Int64) throws -> [UInt8] {
        guard case let .buffer(b) = try invoke(.pread, [.string(path), .int(count), .int64(offset)]) else { return [] }
        return b
    }
    public func pwrite(_ path: String, _ content: [UInt8], offset: Int64) throws -> Int {
        Int(try int(.pwrite, [.string(path), .buffer(content), .int64(offset)]))
    }
    public func touch(_ path: String) throws { try plain(.touch, path) }
    public func mkdir(_ path: String) throws { try plain(.mkdir, path) }
    public func mkdirP(_ path: String) throws { try plain(.mkdirP, path) }
    public func rm(_ path: String) throws { try plain(.rm, path) }
    public func rmRF(_ path: String) throws { try plain(.rmRF, path) }
    public func rmdir(_ path: String) throws { try plain(.rmdir, path) }
    public func rename(_ old: String, _ new: String) throws { _ = try invoke(.rename, [.string(old), .string(new)]) }
    public func cp(_ src: String, _ dest: String) throws { _ = try invoke(.cp, [.string(src), .string(dest)]) }
    public func cpA(_ src: String, _ dest: String) throws { _ = try invoke(.cpA, [.string(src), .string(dest)]) }
    public func mv(_ src: String, _ dest: String) throws { _ = try invoke(.mv, [.string(src), .string(dest)]) }
    public func chmod(_ mode: Int32, _ path: String) throws { _ = try invoke(.chmod, [.int(mode), .string(path)]) }
    public func chown(_ owner: Int32, _ group: Int32, _ path: String) throws {
        _ = try invoke(.chown, [.int(owner), .int(group), .string(path)])
    }
    public func lnS(_ target: String, _ linkname: String) throws { _ = try invoke(.lnS, [.string(target), .string(linkname)]) }
    public func readlink(_ path: String) throws -> String { try string(.readlink, [.string(path)]) }
    public func filesize(_ path: String) throws -> Int64 { try int(.filesize, [.string(path)]) }
    public func fill(_ byte: Int32, _ length: Int32, _ path: String) throws { _ = try invoke(.fill, [.int(byte), .int(length), .string(path)]) }
    public func headN(_ n: Int32, _ path: String) throws -> [String] { try strings(.headN, [.int(n), .string(path)]) }
    public func tailN(_ n: Int32, _ path: String) throws -> [String] { try strings(.tailN, [.int(n), .string(path)]) }
    public func ll(_ directory: String) throws -> String { try string(.ll, [.string(directory)]) }
    public func checksum(_ type: String, _ path: String) throws -> String { try string(.checksum, [.string(type), .string(path)]) }

    /// readlinklist and lstatnslist go to the daemon 1000 names at a time, as the library does.
    public func readlinklist(_ dir: String, _ names: [String]) throws -> [String] {
        try stride(from: 0, to: names.count, by: 1000).flatMap { i in
            try strings(.internalReadlinklist, [.string(dir), .strings(Array(names[i ..< min(i + 1000, names.count)]))])
        }
    }
    public func lstatnslist(_ dir: String, _ names: [String]) throws -> [StructValue] {
        try stride(from: 0, to: names.count, by: 1000).flatMap { i in
            try structs(.internalLstatnslist, [.string(dir), .strings(Array(names[i ..< min(i + 1000, names.count)]))])
        }
    }

    // MARK: tar, filesystems, partitions

    /// tar_in: a host tar file ("-" for stdin) unpacked into a guest directory;
    /// `optionals` by index in tar_in's list (compress, xattrs, selinux, acls).
    public func tarIn(from hostPath: String, to directory: String, optionals: [Int: CallArgument] = [:]) throws {
        let (mask, encode) = Procedure.tarIn.encodeOptionals(optionals)
        try uploadFile(.tarIn, from: hostPath, optargs: mask) { $0.string(directory); encode(&$0) }
    }

    /// tar_out: a guest directory as a tar stream to `sink`; `optionals` by index in
    /// tar_out's list (compress, numericowner, excludes, xattrs, selinux, acls).
    public func tarOut(_ directory: String, optionals: [Int: CallArgument] = [:], to sink: ([UInt8]) throws -> Void) throws {
        let (mask, encode) = Procedure.tarOut.encodeOptionals(optionals)
        try callFileOut(.tarOut, optargs: mask, { $0.string(directory); encode(&$0) }, sink: sink)
    }

    public func mkfs(_ fstype: String, _ device: String, optionals: [Int: CallArgument] = [:]) throws {
        _ = try invoke(.mkfs, [.string(fstype), .string(device)], optionals: optionals)
    }
    public func e2fsck(_ device: String, correct: Bool? = nil, forceall: Bool? = nil) throws {
        var optionals: [Int: CallArgument] = [:]
        if let correct { optionals[0] = .bool(correct) }
        if let forceall { optionals[1] = .bool(forceall) }
        _ = try invoke(.e2fsck, [.string(device)], optionals: optionals)
    }
    public func fsck(_ fstype: String, _ device: String) throws -> Int { Int(try int(.fsck, [.string(fstype), .string(device)])) }
    public func tune2fsL(_ device: String) throws -> [(String, String)] { try table(.tune2fsL, [.string(device)]) }
    public func df() throws -> String { try string(.df, []) }
    public func partInit(_ device: String, _ parttype: String) throws { _ = try invoke(.partInit, [.string(device), .string(parttype)]) }
    public func partDisk(_ device: String, _ parttype: String) throws { _ = try invoke(.partDisk, [.string(device), .string(parttype)]) }
    public func partAdd(_ device: String, _ prlogex: String, _ start: Int64, _ end: Int64) throws {
        _ = try invoke(.partAdd, [.string(device), .string(prlogex), .int64(start), .int64(end)])
    }
    public func partDel(_ device: String, _ partnum: Int32) throws { _ = try invoke(.partDel, [.string(device), .int(partnum)]) }

    // MARK: tests and status

    public func exists(_ path: String) throws -> Bool { try bool(.exists, [.string(path)]) }
    public func isFile(_ path: String, followSymlinks: Bool = false) throws -> Bool {
        try bool(.isFile, [.string(path)], followSymlinks ? [0: .bool(true)] : [:])
    }
    public func isDir(_ path: String, followSymlinks: Bool = false) throws -> Bool {
        try bool(.isDir, [.string(path)], followSymlinks ? [0: .bool(true)] : [:])
    }
    public func isSymlink(_ path: String) throws -> Bool { try bool(.isSymlink, [.string(path)]) }
    public func statns(_ path: String) throws -> StructValue { try structure(.statns, [.string(path)]) }
    public func lstatns(_ path: String) throws -> StructValue { try structure(.lstatns, [.string(path)]) }
    public func statvfs(_ path: String) throws -> StructValue { try structure(.statvfs, [.string(path)]) }

    // MARK: decoding helpers

    private func plain(_ proc: Procedure, _ path: String) throws { _ = try invoke(proc, [.string(path)]) }

    private func strings(_ proc: Procedure, _ args: [CallArgument] = []) throws -> [String] {
        guard case let .strings(l) = try invoke(proc, args) else { throw mismatch(proc) }
        return l
    }
    private func table(_ proc: Procedure, _ args: [CallArgument] = []) throws -> [(String, String)] {
        guard case let .hashtable(t) = try invoke(proc, args) else { throw mismatch(proc) }
        return t
    }
    private func string(_ proc: Procedure, _ args: [CallArgument]) throws -> String {
        guard case let .string(s) = try invoke(proc, args) else { throw mismatch(proc) }
        return s
    }
    private func int(_ proc: Procedure, _ args: [CallArgument]) throws -> Int64 {
        guard case let .int(v) = try invoke(proc, args) else { throw mismatch(proc) }
        return v
    }
    private func bool(_ proc: Procedure, _ args: [CallArgument], _ optionals: [Int: CallArgument] = [:]) throws -> Bool {
        guard case let .bool(b) = try invoke(proc, args, optionals: optionals) else { throw mismatch(proc) }
        return b
    }
    private func structure(_ proc: Procedure, _ args: [CallArgument]) throws -> StructValue {
        guard case let .structure(s) = try invoke(proc, args) else { throw mismatch(proc) }
        return s
    }
    private func structs(_ proc: Procedure, _ args: [CallArgument]) throws -> [StructValue] {
        guard case let .structList(l) = try invoke(proc, args) else { throw mismatch(proc) }
        return l
    }
    private func mismatch(_ proc: Procedure) -> ClientError { .protocolViolation("\(proc.name): unexpected reply type") }
}
