/// Which kernel modules go where.
public enum BootModules {
    /// Loaded by init before it looks for the root, so that every root medium and the host
    /// channel are reachable: PCI and MMIO virtio transports, virtio-blk, virtio-scsi
    /// disks and CD-ROMs, IDE CD-ROMs, the virtio-serial console, ext4 (which mounts the
    /// ext2 root) and crc32c for the ext4 disks guestd mounts later.
    public static let initrd = [
        "virtio_pci", "virtio_mmio", "virtio_blk", "virtio_scsi", "sd_mod", "sr_mod", "ata_piix",
        "virtio_console", "ext4", "crc32c_generic",
    ]

    /// CPU-accelerated checksum drivers (SSE4.2, PCLMULQDQ) fail with ENODEV under TCG's
    /// default CPU; their generic twins serve everywhere, so loading these would only
    /// print an error on every boot.
    public static let excludedFromInitrd: Set<String> = ["crc32c_intel", "crct10dif_pclmul"]

    /// Module folders (relative to /lib/modules/VERSION) copied into the root, with their
    /// dependencies, so guestd can load filesystems and block drivers on demand.
    public static let rootPrefixes = [
        "kernel/fs/", "kernel/drivers/block/", "kernel/drivers/scsi/", "kernel/drivers/cdrom/",
        "kernel/drivers/virtio/", "kernel/drivers/char/virtio_console", "kernel/lib/", "kernel/crypto/crc",
    ]

    /// Index files libkmod reads in the appliance.
    public static let indexFiles = [
        "modules.dep", "modules.dep.bin", "modules.alias", "modules.alias.bin", "modules.softdep",
        "modules.symbols", "modules.symbols.bin", "modules.builtin", "modules.builtin.bin",
        "modules.builtin.alias.bin", "modules.order", "modules.devname",
    ]
}
