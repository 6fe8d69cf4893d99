import ApplianceClient
import ApplianceKernelWords
import ArgumentParser
import HostBuilder

/// The VM's options, shared by `run` and `launch`: disks, accelerator, memory, root
/// medium, network and SSH.
struct VMOptions: ParsableArguments {
    @Option(name: .customShort("a"), help: ArgumentHelp("Attach a disk image; IMAGE:ro attaches it read-only. Repeatable.", valueName: "IMAGE[:ro]"))
    var add: [String] = []

    @Flag(help: "Attach every disk read-only: the guest cannot write to them.")
    var ro = false

    @Option(help: "Accelerator: auto tries KVM and falls back to TCG (software) with a notice.")
    var accel: AccelArgument = .auto

    @Option(help: ArgumentHelp("Guest memory.", valueName: "MB"))
    var memory = 512

    @Option(name: .customLong("root-media"), help: "Attach the appliance root as a read-only disk or as a CD-ROM.")
    var rootMedia: RootMediaArgument = .disk

    @Flag(help: "Give the appliance a virtio-net interface on qemu user networking: the guest is 10.0.2.15, the host 10.0.2.2.")
    var network = false

    @Option(help: ArgumentHelp("Put the interface on this existing tap device instead (implies --network).", valueName: "NAME"))
    var tap: String?

    @Option(name: .customLong("network-address"), help: ArgumentHelp("Addressing guestd gives eth0: static (default with user networking: 10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3), or dhcp to ask a DHCP server (guestd's own client; it writes the lease's router and DNS too).", valueName: "ADDR/PREFIX[,gw=GW][,dns=DNS]|dhcp"))
    var networkAddress: NetworkAddressArgument?

    @Flag(name: .customLong("no-snapshot"), help: "Always boot cold. By default a launch restores a saved, booted appliance (the first one of each configuration boots and saves it in the cache), then hot-plugs the disks. Launches with KVM, --network, --ssh, --legacy-devices, --root-media cdrom or --timings boot cold anyway.")
    var noSnapshot = false

    @Flag(name: .customLong("legacy-devices"), help: "Boot with no virtio device, as a Xen HVM guest without PV drivers: disks on the IDE controller (at most 3), the root on an IDE CD-ROM, an e1000 network card, the channel on the second serial port (slower transfers).")
    var legacyDevices = false

    @OptionGroup var sshOptions: SSHOptions

    func validate() throws {
        guard memory >= 128 else { throw ValidationError("--memory must be at least 128 (MB)") }
        if networkAddress != nil && !network && tap == nil && !sshOptions.ssh { throw ValidationError("--network-address needs --network, --tap or --ssh") }
        if legacyDevices && add.count > QemuCommand.legacyDiskLimit {
            throw ValidationError("--legacy-devices takes at most \(QemuCommand.legacyDiskLimit) disks (the IDE controller has four places and the appliance's CD-ROM takes one)")
        }
    }

    /// Whether any option here chose something (for `run --connect`, which boots nothing).
    var choseDisksOrNetwork: Bool { !add.isEmpty || network || tap != nil || sshOptions.ssh || legacyDevices }

    func launchOptions() throws -> LaunchOptions {
        var options = LaunchOptions()
        options.drives = add.map { var d = Drive(argument: $0); d.readOnly = d.readOnly || ro; return d }
        options.accel = accel.value
        options.memoryMB = memory
        options.rootMedia = rootMedia.value
        options.legacyDevices = legacyDevices
        options.warmStart = !noSnapshot
        options.stateDirectory = Cache.defaultDirectory()
        if let tap { options.network = .tap(tap) } else if network || sshOptions.ssh { options.network = .user }
        options.networkAddress = networkAddress?.value
        options.networkDHCP = networkAddress?.isDHCP ?? false
        options.ssh = try sshOptions.access()
        return options
    }
}

enum AccelArgument: String, ExpressibleByArgument, CaseIterable {
    case auto, kvm, tcg
    var value: Accel { Accel(rawValue: rawValue)! }
}

enum RootMediaArgument: String, ExpressibleByArgument, CaseIterable {
    case cdrom, disk
    var value: RootMedia { RootMedia(rawValue: rawValue)! }
}

/// `ADDR/PREFIX[,gw=GW][,dns=DNS]`, or `dhcp` (then `value` is nil).
struct NetworkAddressArgument: ExpressibleByArgument {
    let value: NetworkAddress?
    var isDHCP: Bool { value == nil }
    init?(argument: String) {
        if argument == "dhcp" { value = nil; return }
        guard let v = NetworkAddress(argument: argument) else { return nil }
        value = v
    }
}
