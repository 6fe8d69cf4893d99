/// Which kernel modules go where.
public enum BootModules {
    /// Loaded by init before it looks for the root, so that every root medium and the host
    /// channel are reachable: PCI and MMIO virtio transports, virtio-blk, virtio-scsi
    /// disks and CD-ROMs, IDE CD-ROMs, the virtio-serial console, ext4 (which mounts the
    /// ext2 root) and crc32c for the ext4 disks guestd mounts later. virtio_net (with
    /// failover and net_failover, ~0.1 MB) is loaded only when the launcher asks for a network,
    /// e1000 only on the launcher's --legacy-devices machine.
    public static let initrd = [
        "virtio_pci", "virtio_mmio", "virtio_blk", "virtio_scsi", "sd_mod", "sr_mod", "ata_piix",
        "virtio_console", "ext4", "crc32c_generic", "virtio_net", "e1000",
    ]

    /// Boot modules a launcher that does not name its modules (libguestfs, which knows
    /// nothing of appliance.modules=) gets only on request: it puts the root on
    /// virtio-scsi, never on an IDE CD-ROM, and asks for the network with
    /// guestfs_network=1. ata_piix stays in its default set: `add-drive … iface:ide`
    /// puts a user's disk on the PIIX IDE controller, and the driver probes the ports in
    /// the background while init carries on.
    public static let cdromOnly = ["sr_mod"]
    public static let network = ["virtio_net"]
    /// The network card of the launcher's --legacy-devices machine (no virtio at all, as a
    /// Xen HVM guest without PV drivers sees it): only ever named by appliance.modules=.
    public static let legacyOnly = ["e1000"]

    /// Xen's paravirtual front ends, added by `appliance build --xen`: xvd* disks (the
    /// root among them) and the network. Xen's console (hvc_xen) is built into Debian's
    /// kernel, like PVH and PVHVM guest support; a kernel with it as a module needs it here.
    public static let xen = ["xen_blkfront", "xen_netfront"]

    /// CPU-accelerated checksum drivers (SSE4.2, PCLMULQDQ) fail with ENODEV under TCG's
    /// default CPU; their generic twins serve everywhere, so loading these would only
    /// print an error on every boot.
    public static let excludedFromInitrd: Set<String> = ["crc32c_intel", "crct10dif_pclmul"]

    /// Modules (paths relative to /lib/modules/VERSION) copied into the root, with their
    /// dependencies, so guestd (and modprobe, for the kernel's requests) can load them on
    /// demand: filesystems, loop, device-mapper and md (LVM, LUKS, RAID), and the ciphers
    /// and hashes dm-crypt asks for. The boot modules are loaded by init already.
    public static let rootPrefixes = [
        "kernel/fs/", "kernel/drivers/block/loop.ko", "kernel/drivers/md/", "kernel/crypto/", "kernel/arch/x86/crypto/",
    ]

    /// Filesystems that live on a network, a cluster lock manager or raw flash, never on a
    /// disk image: about half the size of kernel/fs, with no use in the appliance.
    public static let rootExcluded = [
        "kernel/fs/9p/", "kernel/fs/afs/", "kernel/fs/cachefiles/", "kernel/fs/ceph/", "kernel/fs/coda/",
        "kernel/fs/dlm/", "kernel/fs/fscache/", "kernel/fs/gfs2/", "kernel/fs/jffs2/", "kernel/fs/lockd/",
        "kernel/fs/netfs/", "kernel/fs/nfs/", "kernel/fs/nfs_common/", "kernel/fs/nfsd/", "kernel/fs/ocfs2/",
        "kernel/fs/orangefs/", "kernel/fs/smb/", "kernel/fs/ubifs/",
    ]

    /// Index files libkmod reads in the appliance.
    public static let indexFiles = [
        "modules.dep", "modules.dep.bin", "modules.alias", "modules.alias.bin", "modules.softdep",
        "modules.symbols", "modules.symbols.bin", "modules.builtin", "modules.builtin.bin",
        "modules.builtin.alias.bin", "modules.order", "modules.devname",
    ]
}
