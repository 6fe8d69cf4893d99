import GuestProtocol

/// findfs_uuid and findfs_label (daemon/findfs.ml): the first device, in the kernel's
/// order, whose filesystem has that UUID or label, in the caller's names (an LV by its
/// canonical /dev/VG/LV). Probed with libblkid rather than by running findfs(8).
extension Daemon {
    func doFindfsUUID(uuid: ByteString) throws(CallError) -> ByteString {
        try findfs("UUID", uuid)
    }

    func doFindfsLabel(label: ByteString) throws(CallError) -> ByteString {
        try findfs("LABEL", label)
    }

    private func findfs(_ tag: String, _ value: ByteString) throws(CallError) -> ByteString {
        guard let device = findfsCandidates().first(where: { (try? Probe.tag($0, tag)).map { ByteString($0) } == value }) else {
            // findfs(8)'s own words, as the real daemon's command wrapper passes them on.
            throw CallError("findfs exited with status 1: findfs: unable to resolve '\(tag)=\(value)'")
        }
        return ByteString(devices.reverse(device))
    }
}
