import GuestProtocol

/// part_init, part_add, part_disk, part_del (daemon/parted.c of libguestfs 1.48):
/// parted -s in the appliance, which tells the kernel of the new table itself (there
/// is no udev to settle). parted's stdout and stderr make the error text.
extension Daemon {
    func doPartInit(device: String, parttype: ByteString) throws(CallError) {
        let type = try Daemon.partedLabel(parttype.description)
        try parted(device, ["mklabel", type])
    }

    func doPartAdd(device: String, prlogex: ByteString, startsect: Int64, endsect: Int64) throws(CallError) {
        let kinds = ["primary": "primary", "logical": "logical", "extended": "extended", "p": "primary", "l": "logical", "e": "extended"]
        guard let kind = kinds[prlogex.description] else {
            throw CallError("unknown partition type: \(prlogex.description): this should be \"primary\", \"logical\" or \"extended\"")
        }
        guard startsect >= 0 else { throw CallError("startsect cannot be negative") }
        try parted(device, ["mkpart", kind, "\(startsect)s", "\(endsect)s"])
    }

    func doPartDisk(device: String, parttype: ByteString) throws(CallError) {
        let type = try Daemon.partedLabel(parttype.description)
        // 128-sector alignment, the last 128 sectors left free (room for GPT's backup).
        try parted(device, ["mklabel", type, "mkpart", type == "gpt" ? "p1" : "primary", "128s", "-128s"])
    }

    func doPartDel(device: String, partnum: Int32) throws(CallError) {
        guard partnum > 0 else { throw CallError("partition number must be >= 1") }
        try parted(device, ["rm", "\(partnum)"])
    }

    /// check_parttype: what the user may type, as parted's label names.
    static func partedLabel(_ type: String) throws(CallError) -> String {
        let labels = ["aix": "aix", "amiga": "amiga", "rdb": "amiga", "bsd": "bsd", "dasd": "dasd", "dvh": "dvh",
                      "gpt": "gpt", "efi": "gpt", "mac": "mac", "msdos": "msdos", "mbr": "msdos", "pc98": "pc98", "sun": "sun"]
        guard let label = labels[type] else {
            throw CallError("unknown partition type: common choices are \"gpt\" and \"msdos\"")
        }
        return label
    }

    private func parted(_ device: String, _ words: [String]) throws(CallError) {
        let r = try Subprocess.appliance(["parted", "-s", "--", device] + words, foldStdout: true)
        guard r.succeeded else { throw CallError("parted: \(device): \(Subprocess.errorText(r))") }
    }
}
