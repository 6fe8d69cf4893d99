import GuestProtocol

/// part_init, part_add, part_disk, part_del (daemon/parted.c of libguestfs 1.48):
/// parted -s in the appliance, which tells the kernel of the new table itself (there
/// is no udev to settle). parted's stdout and stderr make the error text.
extension Daemon {
    static let partitionProcedures: [(Procedure, Handler)] = [
        (.partInit, { d, c throws(CallError) in
            let type = try partedLabel(c.text(1))
            return try d.parted(c.text(0), ["mklabel", type])
        }),
        (.partAdd, { d, c throws(CallError) in
            let kinds = ["primary": "primary", "logical": "logical", "extended": "extended", "p": "primary", "l": "logical", "e": "extended"]
            guard let kind = kinds[c.text(1)] else {
                throw CallError("unknown partition type: \(c.text(1)): this should be \"primary\", \"logical\" or \"extended\"")
            }
            guard c.int64(2) >= 0 else { throw CallError("startsect cannot be negative") }
            return try d.parted(c.text(0), ["mkpart", kind, "\(c.int64(2))s", "\(c.int64(3))s"])
        }),
        (.partDisk, { d, c throws(CallError) in
            let type = try partedLabel(c.text(1))
            // 128-sector alignment, the last 128 sectors left free (room for GPT's backup).
            return try d.parted(c.text(0), ["mklabel", type, "mkpart", type == "gpt" ? "p1" : "primary", "128s", "-128s"])
        }),
        (.partDel, { d, c throws(CallError) in
            guard c.int(1) > 0 else { throw CallError("partition number must be >= 1") }
            return try d.parted(c.text(0), ["rm", "\(c.int(1))"])
        }),
    ]

    /// check_parttype: what the user may type, as parted's label names.
    static func partedLabel(_ type: String) throws(CallError) -> String {
        let labels = ["aix": "aix", "amiga": "amiga", "rdb": "amiga", "bsd": "bsd", "dasd": "dasd", "dvh": "dvh",
                      "gpt": "gpt", "efi": "gpt", "mac": "mac", "msdos": "msdos", "mbr": "msdos", "pc98": "pc98", "sun": "sun"]
        guard let label = labels[type] else {
            throw CallError("unknown partition type: common choices are \"gpt\" and \"msdos\"")
        }
        return label
    }

    private func parted(_ device: String, _ words: [String]) throws(CallError) -> Answer {
        try showingUserNames(device) { () throws(CallError) in
            let r = try Subprocess.appliance(["parted", "-s", "--", device] + words, foldStdout: true)
            guard r.succeeded else { throw CallError("parted: \(device): \(Subprocess.errorText(r))") }
            return .none
        }
    }
}
