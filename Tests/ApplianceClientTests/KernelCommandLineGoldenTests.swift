import ApplianceKernelWords
import XCTest
@testable import ApplianceClient
@testable import HostBuilder

/// The whole `-append` string for the launcher's configurations, word for word: moving
/// where the words are spelled must not change what qemu is given.
final class KernelCommandLineGoldenTests: XCTestCase {
    private let base = "console=ttyS0 panic=1 8250.nr_uarts=1 no_timer_check tsc=reliable cryptomgr.notests edd=off acpi=noirq mitigations=off"

    private func line(kvm: Bool = false, modules: [String]? = nil, _ configure: (inout LaunchOptions) -> Void = { _ in }) -> String {
        var o = LaunchOptions()
        configure(&o)
        return QemuCommand(appliance: Appliance(directory: "/a"), rootUUID: "0123", options: o, useKVM: kvm,
                           channelSocket: "/tmp/s", initModules: modules).kernelCommandLine
    }

    func testPlain() {
        XCTAssertEqual(line(), base + " root=UUID=0123 quiet")
        XCTAssertEqual(line { $0.verbose = true }, base + " root=UUID=0123")
        XCTAssertEqual(line { $0.timings = true }, base + " root=UUID=0123 loglevel=1")
        XCTAssertEqual(line { $0.timings = true; $0.verbose = true }, base + " root=UUID=0123")
    }

    func testEveryWord() {
        let ssh = SSHAccess(keyType: "ssh-ed25519", keyBase64: "AAAA+/=", publicKeyFile: "/k.pub", hostPort: 2222)
        XCTAssertEqual(line(kvm: true, modules: ["virtio_pci", "ext4"]) { $0.network = .user; $0.ssh = ssh },
                       base + " root=UUID=0123 appliance.modules=virtio_pci,ext4"
                           + " appliance.network=10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3"
                           + " appliance.ssh=ssh-ed25519:AAAA+/= appliance.alive quiet")
        XCTAssertEqual(line(modules: []) { $0.network = .tap("t"); $0.verbose = true },
                       base + " root=UUID=0123 appliance.modules= appliance.network=link")
        XCTAssertEqual(line { $0.network = .tap("t"); $0.networkDHCP = true },
                       base + " root=UUID=0123 appliance.network=dhcp quiet")
        XCTAssertEqual(line { $0.network = .tap("t"); $0.networkAddress = NetworkAddress(address: "192.168.7.2", prefixLength: 24, dns: "192.168.7.1") },
                       base + " root=UUID=0123 appliance.network=192.168.7.2/24,dns=192.168.7.1 quiet")
    }

    /// guestd's parse of the whole command line gives back every setting the launcher chose.
    func testTheGuestReadsWhatTheHostWrites() {
        let ssh = SSHAccess(keyType: "ssh-ed25519", keyBase64: "AAAA+/=", publicKeyFile: "/k.pub", hostPort: 2222)
        let configurations: [(Bool, [String]?, (inout LaunchOptions) -> Void)] = [
            (false, nil, { _ in }),
            (true, ["virtio_pci", "ext4"], { $0.network = .user; $0.ssh = ssh }),
            (false, [], { $0.network = .tap("t"); $0.verbose = true }),
            (false, nil, { $0.network = .user; $0.networkDHCP = true; $0.timings = true }),
            (true, nil, { $0.network = .tap("t"); $0.networkAddress = NetworkAddress(argument: "192.168.7.2/24,gw=192.168.7.1,dns=9.9.9.9") }),
        ]
        for (kvm, modules, configure) in configurations {
            var o = LaunchOptions()
            configure(&o)
            let c = QemuCommand(appliance: Appliance(directory: "/a"), rootUUID: "0123", options: o, useKVM: kvm,
                                channelSocket: "/tmp/s", initModules: modules)
            let read = KernelWords(commandLine: c.kernelCommandLine)
            XCTAssertEqual(read, c.applianceWords, c.kernelCommandLine)
            XCTAssertEqual(read.problems, [])
            XCTAssertEqual(read.rootUUID, "0123")
            XCTAssertEqual(read.modules, modules)
            XCTAssertEqual(read.network, o.networkSetting)
            XCTAssertEqual(read.sshKey.map { "appliance.ssh=" + $0.argument }, o.ssh?.kernelWord)
            XCTAssertEqual(read.alive, kvm)
            XCTAssertEqual(read.quiet, !o.verbose && !o.timings)
        }
    }
}
