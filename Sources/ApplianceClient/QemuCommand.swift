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

    public init(appliance: Appliance, rootUUID: String, options: LaunchOptions, useKVM: Bool, channelSocket: String,
                initModules: [String]? = nil) {
        self.appliance = appliance
        self.rootUUID = rootUUID
        self.options = options
        self.useKVM = useKVM
        self.channelSocket = channelSocket
        self.initModules = initModules
    }

    /// The boot modules this VM needs: the PCI transport, the channel, the root's
    /// filesystem, and virtio-blk for the disks (and the root, unless it is a CD-ROM).
    /// Each one costs tens of milliseconds under TCG; an IDE, MMIO or SCSI disk driver
    /// would be wasted.
    public static func bootModules(for options: LaunchOptions) -> [String] {
        var tops = ["virtio_pci", "virtio_console", "ext4", "crc32c_generic"]
        switch options.rootMedia {
        case .disk: tops.append("virtio_blk")
        case .cdrom: tops += ["virtio_scsi", "sr_mod"]
        }
        if !options.drives.isEmpty { tops.append("virtio_blk") }
        if options.network != nil { tops.append("virtio_net") }
        return tops
    }

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
                    // Under KVM the launcher waits for init's first line to tell a KVM that hangs.
                    alive: useKVM,
                    // Without `quiet` init and guestd report each step.
                    quiet: !options.verbose && !options.timings)
    }

    public var kernelCommandLine: String {
        var words = Self.baseKernelParameters + applianceWords.words
        // Timings need init's and guestd's steps, but loglevel=1 keeps the kernel's own
        // messages off the serial console, which is slow under TCG.
        if options.timings && !options.verbose { words.append("loglevel=1") }
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
        // User disks are virtio-blk: the driver the root needs anyway, where virtio-scsi
        // would add the SCSI stack (~0.2 s of module loading and bus scan under TCG).
        // guestd names them as libguestfs does, /dev/sda, /dev/sdb, … in order.
        for (i, d) in options.drives.enumerated() {
            var drive = "file=\(escape(d.path)),if=none,id=hd\(i),format=\(d.format ?? "raw"),cache=writeback"
            if d.readOnly { drive += ",readonly=on" }
            a += ["-drive", drive, "-device", "virtio-blk-pci,drive=hd\(i)"]
        }
        let root = "file=\(escape(appliance.root)),if=none,id=appliance,format=raw,readonly=on"
        switch options.rootMedia {
        case .cdrom:
            a += ["-device", "virtio-scsi-pci,id=scsi", "-drive", root + ",media=cdrom", "-device", "scsi-cd,drive=appliance,bus=scsi.0"]
        case .disk: a += ["-drive", root, "-device", "virtio-blk-pci,drive=appliance"]
        }
        switch options.network {
        case nil: break
        case .user:
            // slirp accepts on the host's loopback only and forwards to the guest's sshd.
            let forward = options.ssh.map { ",hostfwd=tcp:127.0.0.1:\($0.hostPort)-:22" } ?? ""
            a += ["-netdev", "user,id=net0" + forward]
        case let .tap(name): a += ["-netdev", "tap,id=net0,ifname=\(escape(name)),script=no,downscript=no"]
        }
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

    /// qemu's option parser splits on commas; a literal comma is written twice.
    func escape(_ s: String) -> String { s.replacingOccurrences(of: ",", with: ",,") }
}

private extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
