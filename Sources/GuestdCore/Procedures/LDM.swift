import GuestProtocol
import StorageText

/// The ldm group (daemon/ldm.c and ldm.ml of libguestfs 1.48): ldmtool's words, its
/// stderr as the error when it fails, its JSON read as the real daemon reads it
/// (StorageText's LDMToolOutput, with the same texts for output of another shape).
/// Disk and partition names come back as the user's names where they are devices.
extension Daemon {
    func doLdmtoolCreateAll() throws(CallError) { _ = try LDM.run(["create", "all"]) }

    func doLdmtoolRemoveAll() throws(CallError) { _ = try LDM.run(["remove", "all"]) }

    func doLdmtoolScan() throws(CallError) -> [ByteString] { try doLdmtoolScanDevices(devices: []) }

    func doLdmtoolScanDevices(devices: [String]) throws(CallError) -> [ByteString] {
        let out = try LDM.run(["scan"] + devices.map { ByteString($0) })
        return try ldmJSON { () throws(LDMToolOutput.Failure) in try LDMToolOutput.stringList(out, what: "ldmtool scan") }
            .map { ByteString($0) }
    }

    func doLdmtoolDiskgroupName(diskgroup: ByteString) throws(CallError) -> ByteString {
        let out = try LDM.run(["show", "diskgroup", diskgroup])
        return ByteString(try ldmJSON { () throws(LDMToolOutput.Failure) in
            try LDMToolOutput.string(out, key: "name", what: "ldmtool show diskgroup")
        })
    }

    func doLdmtoolDiskgroupVolumes(diskgroup: ByteString) throws(CallError) -> [ByteString] {
        let out = try LDM.run(["show", "diskgroup", diskgroup])
        return try ldmJSON { () throws(LDMToolOutput.Failure) in
            try LDMToolOutput.stringList(out, key: "volumes", what: "ldmtool show diskgroup")
        }.map { ByteString($0) }
    }

    func doLdmtoolDiskgroupDisks(diskgroup: ByteString) throws(CallError) -> [ByteString] {
        let out = try LDM.run(["show", "diskgroup", diskgroup])
        return try ldmJSON { () throws(LDMToolOutput.Failure) in
            try LDMToolOutput.stringList(out, key: "disks", what: "ldmtool show diskgroup")
        }.map { ByteString(self.devices.reverse($0)) }
    }

    func doLdmtoolVolumeType(diskgroup: ByteString, volume: ByteString) throws(CallError) -> ByteString {
        let out = try LDM.run(["show", "volume", diskgroup, volume])
        return ByteString(try ldmJSON { () throws(LDMToolOutput.Failure) in
            try LDMToolOutput.string(out, key: "type", what: "ldmtool show volume")
        })
    }

    /// A volume whose JSON has a null hint answers ""; one without the member fails, as
    /// in the real daemon.
    func doLdmtoolVolumeHint(diskgroup: ByteString, volume: ByteString) throws(CallError) -> ByteString {
        let out = try LDM.run(["show", "volume", diskgroup, volume])
        return ByteString(try ldmJSON { () throws(LDMToolOutput.Failure) in
            try LDMToolOutput.string(out, key: "hint", nullIsEmpty: true, what: "ldmtool show volume")
        })
    }

    func doLdmtoolVolumePartitions(diskgroup: ByteString, volume: ByteString) throws(CallError) -> [ByteString] {
        let out = try LDM.run(["show", "volume", diskgroup, volume])
        return try ldmJSON { () throws(LDMToolOutput.Failure) in
            try LDMToolOutput.stringList(out, key: "partitions", what: "ldmtool show volume")
        }.map { ByteString(self.devices.reverse($0)) }
    }

    /// The mappings ldmtool made: /dev/mapper/ldm_vol_* and ldm_part_*.
    func doListLdmVolumes() throws(CallError) -> [ByteString] { LDM.mapped("ldm_vol_").map { ByteString($0) } }

    func doListLdmPartitions() throws(CallError) -> [ByteString] { LDM.mapped("ldm_part_").map { ByteString($0) } }

    private func ldmJSON<T>(_ read: () throws(LDMToolOutput.Failure) -> T) throws(CallError) -> T {
        do throws(LDMToolOutput.Failure) { return try read() } catch { throw CallError(ByteString(error.message)) }
    }
}
