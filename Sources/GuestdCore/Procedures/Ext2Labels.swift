import GuestProtocol

/// set_e2label, get_e2label, set_e2uuid, get_e2uuid (daemon/ext2.c of libguestfs 1.48):
/// the older ext2/3/4-only names of set_label, vfs_label, set_uuid and vfs_uuid that
/// scripts still call. Unlike set_uuid, set_e2uuid hands tune2fs's own words ("clear",
/// "random", "time") through.
extension Daemon {
    func doSetE2label(device: String, label: ByteString) throws(CallError) {
        guard label.bytes.count <= 16 else { throw CallError("\(label): ext2/3/4 labels are limited to 16 bytes") }
        try e2Tool(["e2label", ByteString(device), label])
    }

    func doGetE2label(device: String) throws(CallError) -> ByteString {
        try doVfsLabel(mountable: device)
    }

    func doSetE2uuid(device: String, uuid: ByteString) throws(CallError) {
        try e2Tool(["tune2fs", "-U", uuid, ByteString(device)])
    }

    func doGetE2uuid(device: String) throws(CallError) -> ByteString {
        try doVfsUUID(mountable: device)
    }

    /// command(): the tool's stderr is the error.
    private func e2Tool(_ argv: [ByteString]) throws(CallError) {
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
    }
}
