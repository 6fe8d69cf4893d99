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
    /// Where the KVM probe result is remembered; nil to probe each time.
    public var stateDirectory: String?

    public init() {}
}
