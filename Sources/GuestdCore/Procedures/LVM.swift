import Glibc
import GuestProtocol

/// The LVM2 procedures (daemon/lvm.c, lvm.ml, lvm-filter.c, lvm_dm.ml of libguestfs
/// 1.48): the same lvm commands, arguments and error texts. Device names in lvm's
/// answers are the appliance's; the user's names go back.
extension Daemon {
    func doPvs() throws(CallError) -> [ByteString] {
        let out = try lvm(["pvs", "-o", "pv_name", "--noheadings"])
        return LVM.lines(out).map { devices.reverse($0) }.sorted().map { ByteString($0) }
    }

    func doVgs() throws(CallError) -> [ByteString] {
        LVM.lines(try lvm(["vgs", "-o", "vg_name", "--noheadings"])).sorted().map { ByteString($0) }
    }

    func doLvs() throws(CallError) -> [ByteString] {
        try prepareLVM()
        return try LVM.logicalVolumes().map { ByteString($0) }
    }

    func doPvsFull() throws(CallError) -> [StructValue] {
        try lvmStructs("pvs", .lvmPV).map { pv in
            var pv = pv
            if case let .string(name) = pv.values[0] { pv.values[0] = .string(devices.reverse(name.description)) }
            return pv
        }
    }

    func doVgsFull() throws(CallError) -> [StructValue] { try lvmStructs("vgs", .lvmVG) }

    func doLvsFull() throws(CallError) -> [StructValue] { try lvmStructs("lvs", .lvmLV) }

    func doPvcreate(device: String) throws(CallError) { try lvm(["pvcreate", "--force", device]) }

    func doVgcreate(volgroup: ByteString, physvols: [String]) throws(CallError) {
        try lvm(["vgcreate", volgroup.description] + physvols)
    }

    func doLvcreate(logvol: ByteString, volgroup: ByteString, mbytes: Int32) throws(CallError) {
        try lvm(["lvcreate", "--yes", "-L", "\(mbytes)", "-n", logvol.description, volgroup.description])
    }

    func doLvcreateFree(logvol: ByteString, volgroup: ByteString, percent: Int32) throws(CallError) {
        try Self.checkPercent(percent)
        try lvm(["lvcreate", "-l", "\(percent)%FREE", "-n", logvol.description, volgroup.description])
    }

    func doLvresize(device: String, mbytes: Int32) throws(CallError) {
        try resizeLV(["lvresize", "--force", "-L", "\(mbytes)", device])
    }

    func doLvresizeFree(lv: String, percent: Int32) throws(CallError) {
        try Self.checkPercent(percent)
        try resizeLV(["lvresize", "-l", "+\(percent)%FREE", lv])
    }

    func doLvremove(device: String) throws(CallError) { try lvm(["lvremove", "-f", device]) }

    func doVgremove(vgname: ByteString) throws(CallError) { try lvm(["vgremove", "-f", vgname.description]) }

    func doPvremove(device: String) throws(CallError) { try lvm(["pvremove", "-ff", device]) }

    func doPvresize(device: String) throws(CallError) { try lvm(["pvresize", device], prefix: "\(device): ") }

    func doPvresizeSize(device: String, size: Int64) throws(CallError) {
        try lvm(["pvresize", "--yes", "--setphysicalvolumesize", "\(size)b", device], prefix: "\(device): ")
    }

    /// Super-dangerous, for tests: every LV, VG and PV goes.
    func doLvmRemoveAll() throws(CallError) {
        for lv in try doLvs().map(\.description) {
            // Deactivated first: lvremove -f does not always remove an active LV.
            _ = try? lvm(["lvchange", "-an", lv])
            try lvm(["lvremove", "-f", lv], prefix: "lvremove: \(lv): ")
        }
        for vg in try doVgs().map(\.description) {
            _ = try? lvm(["vgchange", "-an", vg])
            try lvm(["vgremove", "-f", vg], prefix: "vgremove: \(vg): ")
        }
        for pv in LVM.lines(try lvm(["pvs", "-o", "pv_name", "--noheadings"])) {
            try lvm(["pvremove", "-f", pv], prefix: "pvremove: \(pv): ")
        }
    }

    func doVgActivateAll(activate: Bool) throws(CallError) { try doVgActivate(activate: activate, volgroups: []) }

    func doVgActivate(activate: Bool, volgroups: [ByteString]) throws(CallError) {
        try lvm(["vgchange", "-a", activate ? "y" : "n"] + volgroups.map(\.description), prefix: "vgchange: ")
    }

    func doLvrename(logvol: ByteString, newlogvol: ByteString) throws(CallError) {
        try lvm(["lvrename", logvol.description, newlogvol.description], prefix: "\(logvol) -> \(newlogvol): ")
    }

    func doVgrename(volgroup: ByteString, newvolgroup: ByteString) throws(CallError) {
        try lvm(["vgrename", volgroup.description, newvolgroup.description], prefix: "\(volgroup) -> \(newvolgroup): ")
    }

    func doPvuuid(device: String) throws(CallError) -> ByteString { try lvmField("pvs", "pv_uuid", device) }
    func doVguuid(vgname: ByteString) throws(CallError) -> ByteString { try lvmField("vgs", "vg_uuid", vgname.description) }
    func doLvuuid(device: String) throws(CallError) -> ByteString { try lvmField("lvs", "lv_uuid", device) }
    func doVgpvuuids(vgname: ByteString) throws(CallError) -> [ByteString] { try lvmFields("vgs", "pv_uuid", vgname.description) }
    func doVglvuuids(vgname: ByteString) throws(CallError) -> [ByteString] { try lvmFields("vgs", "lv_uuid", vgname.description) }

    func doVgscan() throws(CallError) { try doLvmScan(activate: false) }

    /// Historically outside the lvm2 group: without lvm it does nothing.
    func doLvmScan(activate: Bool) throws(CallError) {
        guard Daemon.isAvailable("lvm2") else { return }
        try lvm(["pvscan", "--cache"] + (activate ? ["--activate", "ay"] : []))
    }

    func doLvmSetFilter(devices: [String]) throws(CallError) {
        // "a|^/dev/sda1$|" for a partition; a whole disk also accepts its partitions.
        var filters: [String] = []
        for device in devices {
            filters.append("a|^\(device)$|")
            if let last = device.utf8.last, !DeviceNames.isDigit(last) { filters.append("a|^\(device)[0-9]|") }
        }
        try replaceFilter(filters + ["r|.*|"])
    }

    func doLvmClearFilter() throws(CallError) { try replaceFilter(["a/.*/"]) }

    func doIsLv(mountable: String) throws(CallError) -> Bool {
        guard Mountable(mountable).volume == nil else { return false }
        guard Daemon.isAvailable("lvm2") else { return false }
        try prepareLVM()
        return try LVM.canonical(mountable) != nil
    }

    func doLvmCanonicalLvName(lvname: ByteString) throws(CallError) -> ByteString {
        // A plain string: a /dev/mapper name may not exist; check it looks like a device.
        guard lvname.hasPrefix("/dev/") else { throw CallError("\(lvname): not a device name") }
        try prepareLVM()
        guard let lv = try LVM.canonical(lvname.description) else {
            throw CallError("\(lvname): not a logical volume", errno: EINVAL)
        }
        return ByteString(lv)
    }

    /// Device-mapper devices that are not LVs (LUKS mappings, for example).
    func doListDmDevices() throws(CallError) -> [ByteString] {
        let names = DirEntry.list("/dev/mapper").filter { $0 != "control" }.sorted()
        var result: [ByteString] = []
        for name in names {
            let path = "/dev/mapper/" + name
            if Daemon.isAvailable("lvm2"), try LVM.canonical(path) != nil { continue }
            result.append(ByteString(path))
        }
        return result
    }

    func doVgmeta(vgname: ByteString) throws(CallError) -> [UInt8] {
        var template = Array("/tmp/vgmetaXXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw CallError.perror("mkstemp", errno) }
        close(fd)
        let path = String(nulTerminated: template)
        defer { unlink(path) }
        try lvm(["vgcfgbackup", "-f", path, vgname.description], prefix: "vgcfgbackup: ")
        let rfd = open(path, O_RDONLY | O_CLOEXEC)
        guard rfd >= 0 else { throw CallError.perror("open: \(path)", errno) }
        defer { close(rfd) }
        let data: [UInt8]
        do { data = try Daemon.readAll(rfd, ByteString(path)) } catch { throw CallError.perror("read: \(path)", error.errno) }
        guard data.count <= Int(Guestfs.messageMax) - 1000 else { throw CallError("metadata is too large for message buffer") }
        return data
    }

    func doPvchangeUUID(device: String) throws(CallError) { try lvm(["pvchange", "-u", device], prefix: "\(device): ") }
    func doPvchangeUUIDAll() throws(CallError) { try lvm(["pvchange", "-u", "-a"]) }
    func doVgchangeUUID(vg: ByteString) throws(CallError) { try lvm(["vgchange", "-u", vg.description], prefix: "\(vg): ") }
    func doVgchangeUUIDAll() throws(CallError) { try lvm(["vgchange", "-u"]) }

    // MARK: - Shared steps

    /// The kernel side first: device-mapper is a module, loaded on first use.
    func prepareLVM() throws(CallError) {
        try Daemon.requireGroup("lvm2")
        if access("/dev/mapper/control", F_OK) != 0 { _ = modules.ensureModule("dm_mod") }
    }

    @discardableResult
    private func lvm(_ args: [String], prefix: String? = nil) throws(CallError) -> [UInt8] {
        try prepareLVM()
        return try LVM.run(args, prefix: prefix)
    }

    private static func checkPercent(_ percent: Int32) throws(CallError) {
        guard (0 ... 100).contains(percent) else { throw CallError("percentage must be [0..100] (was \(percent))") }
    }

    /// lvresize fails when the size does not change; that is not an error here.
    private func resizeLV(_ args: [String]) throws(CallError) {
        do { try lvm(args) } catch {
            let text = error.message.description
            guard text.contains("New size ("), text.contains("extents) matches existing size (") else { throw error }
        }
    }

    private func lvmField(_ command: String, _ field: String, _ object: String) throws(CallError) -> ByteString {
        let out = try lvm([command, "--unbuffered", "--noheadings", "-o", field, object], prefix: "\(object): ")
        return ByteString(String(decoding: out, as: UTF8.self).trimmingWhitespace())
    }

    private func lvmFields(_ command: String, _ field: String, _ object: String) throws(CallError) -> [ByteString] {
        let out = try lvm([command, "--unbuffered", "--noheadings", "-o", field, object], prefix: "\(object): ")
        return out.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .dropLast(out.last == UInt8(ascii: "\n") ? 1 : 0)
            .map { ByteString(String(decoding: $0, as: UTF8.self).trimmingWhitespace()) }
    }

    /// Deactivate, rewrite the filter, rescan, reactivate: as the real daemon does.
    private func replaceFilter(_ filters: [String]) throws(CallError) {
        try lvm(["vgchange", "-an"], prefix: "vgchange -an: ")
        try LVM.writeConfig(filters: filters)
        unlink(LVM.systemDir + "/cache/.cache")
        try lvm(["vgscan", "--cache"], prefix: "vgscan: ")
        try lvm(["vgchange", "-ay"], prefix: "vgchange -ay: ")
    }

    /// pvs_full, vgs_full, lvs_full: every column of the struct, by lvm's name.
    private func lvmStructs(_ command: String, _ layout: StructLayout) throws(CallError) -> [StructValue] {
        try prepareLVM()
        let rows = try LVM.table(command, columns: layout.fields.map(\.name))
        var result: [StructValue] = []
        for row in rows {
            guard row.count == layout.fields.count, let value = Self.lvmStruct(row, layout) else {
                console.info("\(command): cannot parse \(row)")
                throw CallError("failed to parse output of '\(command)' command")
            }
            result.append(value)
        }
        return result
    }

    static func lvmStruct(_ row: [String], _ layout: StructLayout) -> StructValue? {
        var values: [FieldValue] = []
        for (field, text) in zip(layout.fields, row) {
            switch field.kind {
            case .string: values.append(.string(text))
            case .uuid:
                let digits = Array(text.utf8.filter { $0 != UInt8(ascii: "-") })
                guard digits.count >= 32 else { return nil }
                values.append(.bytes(Array(digits.prefix(32))))
            case .int64, .uint64:
                guard let v = Int64(text.trimmingWhitespace()) else { return nil }
                values.append(.int(v))
            case .optPercent:
                let t = text.trimmingWhitespace()
                if t.isEmpty { values.append(.percent(-1)) } else {
                    guard let v = Float(t) else { return nil }
                    values.append(.percent(v))
                }
            default: return nil
            }
        }
        return StructValue(layout, values)
    }
}

extension Daemon {
    /// What findfs searches for a UUID or LABEL, in the kernel's order: the user's disks
    /// and partitions, then the LVs (by their /dev/VG/LV names, as findfs's answer is
    /// made canonical) and other device-mapper devices.
    func findfsCandidates() -> [String] {
        var candidates = devices.blockDevices()
        guard options.isPID1 else { return candidates }
        for md in MD.devices() {
            let name = String(md.dropFirst(5))
            candidates += [md] + devices.partitionNames(of: name).map { "/dev/" + $0 }
        }
        if Daemon.isAvailable("lvm2") { candidates += (try? LVM.logicalVolumes()) ?? [] }
        candidates += ((try? doListDmDevices()) ?? []).map(\.description)
        return candidates
    }
}
