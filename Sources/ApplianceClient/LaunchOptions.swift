import ApplianceKernelWords

/// One disk image given to the appliance.
public struct Drive: Sendable, Equatable {
    public var path: String
    public var readOnly: Bool
    /// qemu's format name; nil means detect raw or qcow2 from the header.
    public var format: String?

    public init(path: String, readOnly: Bool = false, format: String? = nil) {
        self.path = path
        self.readOnly = readOnly
        self.format = format
    }

    /// `IMAGE` or `IMAGE:ro`, as `appliance run -a` takes it.
    public init(argument: String) {
        if argument.hasSuffix(":ro") {
            self.init(path: String(argument.dropLast(3)), readOnly: true)
        } else {
            self.init(path: argument)
        }
    }
}

/// How the appliance reaches a network: qemu's user-mode stack (no privileges; the host
/// is 10.0.2.2 from the guest) or a tap device the user created.
public enum NetworkBackend: Sendable, Equatable {
    case user
    case tap(String)
}

public enum Accel: String, Sendable, CaseIterable { case auto, kvm, tcg }
public enum RootMedia: String, Sendable, CaseIterable { case cdrom, disk }

public struct LaunchOptions: Sendable {
    public var drives: [Drive] = []
    public var accel: Accel = .auto
    public var memoryMB = 512
    /// Booting from a read-only virtio-blk disk needs one module fewer than a SCSI CD-ROM.
    public var rootMedia: RootMedia = .disk
    /// Stream the console to stderr.
    public var verbose = false
    /// Record a boot timeline: init and guestd report progress, the kernel stays silent.
    public var timings = false
    public var bootTimeout = 120.0
    /// Seconds a call may take before the client gives up on the appliance.
    public var callTimeout = 600.0
    public var qemu = "qemu-system-x86_64"
    /// A virtio-net interface on this backend; nil boots without one.
    public var network: NetworkBackend?
    /// The interface's static addressing (guestd applies it itself); nil means qemu user
    /// networking's plan on `.user` and only the link brought up on a tap.
    public var networkAddress: NetworkAddress?
    /// Ask a DHCP server (guestd's own client) instead of static addressing.
    public var networkDHCP = false
    /// Start the SSH server (the appliance must be built with ssh) and, on user
    /// networking, forward 127.0.0.1:hostPort to its port 22.
    public var ssh: SSHAccess?
    /// No virtio device at all, as a Xen HVM guest without PV drivers sees its machine:
    /// disks on the PIIX IDE controller, the root on an IDE CD-ROM, an e1000 network
    /// card, and the channel on the second serial port.
    public var legacyDevices = false
    /// Restore a saved, booted appliance instead of booting (WarmState) where the VM
    /// allows it (TCG, no network, SSH or legacy devices, the root as a disk, no
    /// timeline); the first launch of each configuration boots and saves the state in
    /// the cache beside the appliance. Off (`--no-snapshot`): every launch boots cold.
    public var warmStart = true
    /// Where the KVM probe result is remembered; nil to probe each time.
    public var stateDirectory: String?
    /// Seconds a guest under KVM has to print init's first line. A working KVM gets
    /// there in a fraction of a second; a hanging one never does, and TCG is used.
    public var kvmProgressTimeout = 3.0
    /// The KVM device the probe opens (tests name a stand-in).
    public var kvmDevice = "/dev/kvm"

    public init() {}
}

extension LaunchOptions {
    /// The addressing guestd applies: the one asked for, or qemu's plan on user networking.
    public var effectiveNetworkAddress: NetworkAddress? {
        guard let network, !networkDHCP else { return nil }
        if let networkAddress { return networkAddress }
        return network == .user ? .qemuUser : nil
    }

    /// What guestd is told to do with the interface (`appliance.network=`); nil without one.
    public var networkSetting: NetworkSetting? {
        guard network != nil else { return nil }
        if networkDHCP { return .dhcp }
        return effectiveNetworkAddress.map(NetworkSetting.address) ?? .link
    }
}
