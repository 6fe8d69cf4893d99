import ApplianceKernelWords
import HostBuilder

/// The qemu command line for one appliance boot. Pure, so tests can check it.
public struct QemuCommand: Sendable {
    public var appliance: Appliance
    public var rootUUID: String
    public var options: LaunchOptions
    public var useKVM: Bool
    public var channelSocket: String
    /// The modules init loads (appliance.modules=); nil loads every module of the initrd.
    public var initModules: [String]?
    /// This boot is saved or restored (WarmState; the launcher decides where it can be):
    /// its user disks are not on the command line but hot-plugged through QMP.
    public var warm: Bool

    public init(appliance: Appliance, rootUUID: String, options: LaunchOptions, useKVM: Bool, channelSocket: String,
                initModules: [String]? = nil, warm: Bool = false) {
        self.appliance = appliance
        self.rootUUID = rootUUID
        self.options = options
        self.useKVM = useKVM
        self.channelSocket = channelSocket
        self.initModules = initModules
        self.warm = warm
    }

    /// The boot modules this VM needs: the PCI transport, the channel, the root's
    /// filesystem, and virtio-blk for the disks (and the root, unless it is a CD-ROM).
    /// Each one costs tens of milliseconds under TCG; an IDE, MMIO or SCSI disk driver
    /// would be wasted.
    public static func bootModules(for options: LaunchOptions, warm: Bool = false) -> [String] {
        if options.legacyDevices {
            // PIIX IDE: CD-ROM root (sr_mod), disks (sd_mod); the channel is a 16550,
            // built into the kernel.
            var tops = ["ata_piix", "sr_mod", "ext4", "crc32c_generic"]
            if !options.drives.isEmpty { tops.append("sd_mod") }
            if options.network != nil { tops.append("e1000") }
            return tops
        }
        var tops = ["virtio_pci", "virtio_console", "ext4", "crc32c_generic"]
        // Warm starts hot-plug the disks onto a SCSI controller after the restore.
        if warm { tops += ["virtio_scsi", "sd_mod"] }
        switch options.rootMedia {
        case .disk: tops.append("virtio_blk")
        case .cdrom: tops += ["virtio_scsi", "sr_mod"]
        }
        if !options.drives.isEmpty && !warm { tops.append("virtio_blk") }
        if options.network != nil { tops.append("virtio_net") }
        return tops
    }

    /// The QMP socket of a warm boot, beside the channel's.
    public var qmpSocket: String {
        channelSocket.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/qmp"
    }

    /// The PIIX IDE controller has two buses of two places; the appliance's CD-ROM takes
    /// the last one.
    public static let legacyDiskLimit = 3

    /// The serial port guestd serves on with --legacy-devices (ttyS0 is the console).
    public static let legacyChannel = "ttyS1"

    /// Kernel parameters that do not depend on the appliance: the console on the one
    /// serial port, a panic ends the VM (with -no-reboot), and the boot skips work a
    /// throwaway VM does not need. Each was measured under TCG:
    /// - acpi=noirq: PCI interrupt links are routed without running ACPI methods, which
    ///   cost ~0.1 s per link while virtio_pci loads (virtio uses MSI-X anyway);
    /// - mitigations=off: no speculative-execution workarounds patched in at boot
    ///   (~0.2 s); the guest runs only our own programs, and host isolation does not
    ///   depend on them.
    public static let baseKernelParameters = [
        "console=ttyS0", "panic=1", "8250.nr_uarts=1", "no_timer_check", "tsc=reliable",
        "cryptomgr.notests", "edd=off", "acpi=noirq", "mitigations=off",
    ]

    /// The words init and guestd read (KernelWords spells them).
    public var applianceWords: KernelWords {
        KernelWords(rootUUID: rootUUID, modules: initModules,
                    // guestd configures eth0 itself from this word (`link` only brings it up).
                    network: options.networkSetting, sshKey: options.ssh?.publicKey,
                    channel: options.legacyDevices ? Self.legacyChannel : nil,
                    // Under KVM the launcher waits for init's first line to tell a KVM that hangs.
                    alive: useKVM,
                    // A boot that is saved leaves its freed page cache out of the state.
                    snapshot: warm,
                    // Without `quiet` init and guestd report each step.
                    quiet: !options.verbose && !options.timings)
    }

    public var kernelCommandLine: String {
        var words = Self.baseKernelParameters + applianceWords.words
        // The legacy machine's channel is the second serial port.
        if options.legacyDevices { words = words.map { $0 == "8250.nr_uarts=1" ? "8250.nr_uarts=2" : $0 } }
        // Timings need init's and guestd's steps, but loglevel=1 keeps the kernel's own
        // messages off the serial console, which is slow under TCG.
        if options.timings && !options.verbose { words.append("loglevel=1") }
        // A saved boot: freed pages are zeroed, so the state stores them as zero pages
        // (the initramfs, the boot's freed memory, the page cache guestd drops).
        if warm { words.append("init_on_free=1") }
        return words.joined(separator: " ")
    }

    public var arguments: [String] {
        var a = [
            "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
            "-machine", "pc,accel=\(useKVM ? "kvm" : "tcg")",
            "-m", String(options.memoryMB),
            "-kernel", appliance.kernel, "-initrd", appliance.initrd, "-append", kernelCommandLine,
            "-serial", "stdio",
        ]
        if useKVM { a += ["-cpu", "host"] }
        if options.legacyDevices { return a + legacyDevices }
        // User disks are virtio-blk: the driver the root needs anyway, where virtio-scsi
        // would add the SCSI stack (~0.2 s of module loading and bus scan under TCG).
        // guestd names them as libguestfs does, /dev/sda, /dev/sdb, … in order.
        if warm {
            a += ["-device", "virtio-scsi-pci,id=hot", "-qmp", "unix:\(escape(qmpSocket)),server=on,wait=off"]
        } else {
            for (i, d) in options.drives.enumerated() {
                a += ["-drive", drive(d, i, interface: "none"), "-device", "virtio-blk-pci,drive=hd\(i)"]
            }
        }
        let root = "file=\(escape(appliance.root)),if=none,id=appliance,format=raw,readonly=on"
        switch options.rootMedia {
        case .cdrom:
            a += ["-device", "virtio-scsi-pci,id=scsi", "-drive", root + ",media=cdrom", "-device", "scsi-cd,drive=appliance,bus=scsi.0"]
        case .disk: a += ["-drive", root, "-device", "virtio-blk-pci,drive=appliance"]
        }
        a += netdev
        // romfile= leaves out the PXE option ROM: the kernel is booted directly.
        if options.network != nil { a += ["-device", "virtio-net-pci,netdev=net0,romfile="] }
        // The SSH server makes its host key at boot: a virtio-rng device (qemu's getrandom)
        // seeds the guest's entropy pool at once instead of after seconds of jitter.
        if options.ssh != nil { a += ["-device", "virtio-rng-pci"] }
        a += [
            "-device", "virtio-serial-pci",
            "-chardev", "socket,id=channel0,path=\(escape(channelSocket))",
            "-device", "virtserialport,chardev=channel0,name=org.libguestfs.channel.0",
        ]
        return a
    }

    /// The --legacy-devices machine: the `pc` machine's own PIIX IDE controller for the
    /// disks (places 0, 1, 2) and the root, an IDE CD-ROM in the last place as the
    /// original `-drive file=root,media=cdrom` puts it; an e1000; the channel on ttyS1.
    private var legacyDevices: [String] {
        var a: [String] = []
        for (i, d) in options.drives.enumerated() {
            // An IDE disk cannot be write-protected: a read-only image gets a throwaway
            // overlay instead (snapshot=on, as libguestfs protects its read-only drives),
            // so the guest may write but the image never changes.
            var ro = d
            ro.readOnly = false
            a += ["-drive", drive(ro, i, interface: "ide") + ",index=\(i)" + (d.readOnly ? ",snapshot=on" : "")]
        }
        a += ["-drive", "file=\(escape(appliance.root)),format=raw,readonly=on,media=cdrom,index=\(Self.legacyDiskLimit)"]
        a += netdev
        if options.network != nil { a += ["-device", "e1000,netdev=net0,romfile="] }
        a += ["-chardev", "socket,id=channel0,path=\(escape(channelSocket))", "-serial", "chardev:channel0"]
        return a
    }

    /// A user disk's -drive value. A writable disk passes the guest's discards through
    /// (discard=unmap, as libguestfs's launcher does for add_drive … discard:enable), so
    /// fstrim and blkdiscard give the space back to the image.
    private func drive(_ d: Drive, _ i: Int, interface: String) -> String {
        "file=\(escape(d.path)),if=\(interface),id=hd\(i),format=\(d.format ?? "raw"),cache=writeback"
            + (d.readOnly ? ",readonly=on" : ",discard=unmap")
    }

    private var netdev: [String] {
        switch options.network {
        case nil: return []
        case .user:
            // slirp accepts on the host's loopback only and forwards to the guest's sshd.
            let forward = options.ssh.map { ",hostfwd=tcp:127.0.0.1:\($0.hostPort)-:22" } ?? ""
            return ["-netdev", "user,id=net0" + forward]
        case let .tap(name): return ["-netdev", "tap,id=net0,ifname=\(escape(name)),script=no,downscript=no"]
        }
    }

    /// qemu's option parser splits on commas; a literal comma is written twice.
    func escape(_ s: String) -> String { s.replacingOccurrences(of: ",", with: ",,") }
}

private extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
