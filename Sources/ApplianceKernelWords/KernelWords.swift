/// The appliance's words on the kernel command line, spelled once: the host's launcher
/// writes them (QemuCommand) and guestd parses them from /proc/cmdline, so what one
/// writes is what the other reads. Pure Swift without Foundation: guestd links the
/// static Swift runtime and should pay for nothing more.
///
/// init (Embedded Swift, Sources/init/KernelCommandLine.swift) cannot link this module
/// and keeps its own parser for the words it acts on: `root=UUID=`, `quiet`,
/// `appliance.modules=`, `appliance.roottimeout=`, `appliance.alive` and
/// `guestfs_network=1`. `Name.readByInit` lists them; a test checks init's spelling.
public struct KernelWords: Sendable, Equatable {
    /// root=UUID=…: the appliance root's ext2 UUID, which init waits for.
    public var rootUUID: String?
    /// appliance.roottimeout=SECONDS: how long init waits for the root (its default: 30).
    public var rootTimeoutSeconds: Int?
    /// appliance.modules=a,b,c: the only boot modules init loads; nil loads its default set.
    public var modules: [String]?
    /// appliance.network=…: how guestd configures the interface; nil leaves it down.
    public var network: NetworkSetting?
    /// appliance.ssh=TYPE:BASE64: guestd starts the SSH server for this key.
    public var sshKey: SSHPublicKey?
    /// appliance.channel=NAME: guestd serves on this serial port (ttyS1) instead of the
    /// virtio-serial port; the launcher's --legacy-devices machine has no virtio at all.
    public var channel: String?
    /// appliance.alive: init prints a sign of life even when quiet (the launcher tells a
    /// KVM that hangs from one that runs by it).
    public var alive = false
    /// appliance.snapshot: the launcher saves this VM once guestd serves; guestd drops
    /// the page cache first so the saved state leaves it out.
    public var snapshot = false
    /// guestfs_network=1: libguestfs's launcher asks for the network (libguestfsUser's plan).
    public var libguestfsNetwork = false
    /// guestfs_verbose=1: libguestfs's launcher asks for a line per call.
    public var libguestfsVerbose = false
    /// guestfs_rescue=1: virt-rescue asks for a shell on the console.
    public var libguestfsRescue = false
    /// quiet: init and guestd report failures only.
    public var quiet = false
    /// Words that name one of ours but whose value is malformed, found by parsing; the
    /// reader reports them (a launcher bug should show, not boot without its setting).
    public var problems: [Problem] = []

    public init(rootUUID: String? = nil, rootTimeoutSeconds: Int? = nil, modules: [String]? = nil,
                network: NetworkSetting? = nil, sshKey: SSHPublicKey? = nil, channel: String? = nil, alive: Bool = false,
                snapshot: Bool = false,
                libguestfsNetwork: Bool = false, libguestfsVerbose: Bool = false, libguestfsRescue: Bool = false,
                quiet: Bool = false) {
        self.rootUUID = rootUUID
        self.rootTimeoutSeconds = rootTimeoutSeconds
        self.modules = modules
        self.network = network
        self.sshKey = sshKey
        self.channel = channel
        self.alive = alive
        self.snapshot = snapshot
        self.libguestfsNetwork = libguestfsNetwork
        self.libguestfsVerbose = libguestfsVerbose
        self.libguestfsRescue = libguestfsRescue
        self.quiet = quiet
    }

    /// The network guestd brings up: the launcher's own setting, else on guestfs_network=1
    /// the plan of libguestfs's qemu user networking.
    public var effectiveNetwork: NetworkSetting? {
        network ?? (libguestfsNetwork ? .address(.libguestfsUser) : nil)
    }
}
