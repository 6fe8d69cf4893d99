import GuestProtocol

/// grub_install (daemon/grub.c of libguestfs 1.48), group grub: grub-install with the
/// guest's root directory below the sysroot, joined as text as the real daemon does.
/// Like Debian's stock appliance, the root carries grub2-common's grub-install but no
/// platform directory, so grub-install itself refuses (it needs a --target's modules).
extension Daemon {
    func doGrubInstall(root: ByteString, device: String) throws(CallError) {
        let argv: [ByteString] = ["grub-install", "--root-directory=" + ByteString(options.sysroot) + root, ByteString(device)]
        let r = try Subprocess.appliance(argv)
        guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
    }
}
