import ApplianceKernelWords
import XCTest
@testable import ApplianceClient
@testable import HostBuilder

/// The launcher's side of networking: qemu's netdev and NIC, the module init loads and
/// the word guestd configures the interface from.
final class NetworkTests: XCTestCase {
    private func command(_ configure: (inout LaunchOptions) -> Void) -> QemuCommand {
        var o = LaunchOptions()
        configure(&o)
        return QemuCommand(appliance: Appliance(directory: "/a"), rootUUID: "0123", options: o, useKVM: false,
                           channelSocket: "/tmp/s", initModules: nil)
    }

    func testNoNetworkByDefault() {
        let c = command { _ in }
        XCTAssertFalse(c.arguments.contains("-netdev"))
        XCTAssertFalse(c.kernelCommandLine.contains("appliance.network"))
        XCTAssertFalse(QemuCommand.bootModules(for: LaunchOptions()).contains("virtio_net"))
    }

    func testUserNetworking() {
        let c = command { $0.network = .user }
        let args = c.arguments
        XCTAssertEqual(args[args.firstIndex(of: "-netdev")! + 1], "user,id=net0")
        XCTAssertTrue(args.contains("virtio-net-pci,netdev=net0,romfile="))
        XCTAssertTrue(c.kernelCommandLine.contains(" appliance.network=10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3"))
        var o = LaunchOptions()
        o.network = .user
        XCTAssertTrue(QemuCommand.bootModules(for: o).contains("virtio_net"))
    }

    func testTapDevice() {
        let bare = command { $0.network = .tap("tap,0") }
        XCTAssertTrue(bare.arguments.contains("tap,id=net0,ifname=tap,,0,script=no,downscript=no"))
        XCTAssertTrue(bare.kernelCommandLine.hasSuffix("appliance.network=link quiet"), "no addressing: the link only")
        let addressed = command {
            $0.network = .tap("tap0")
            $0.networkAddress = NetworkAddress(argument: "192.168.7.2/24,gw=192.168.7.1")
        }
        XCTAssertTrue(addressed.kernelCommandLine.contains("appliance.network=192.168.7.2/24,gw=192.168.7.1 "))
    }

    func testAddressArgument() {
        XCTAssertEqual(NetworkAddress(argument: "10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3"), .qemuUser)
        XCTAssertEqual(NetworkAddress.qemuUser.argument, "10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3")
        for bad in ["10.0.2.15", "10.0.2.15/33", "10.0.2/24", "10.0.2.15/24,gw=x", "10.0.2.15/24,via=10.0.2.2", "300.1.1.1/8", ""] {
            XCTAssertNil(NetworkAddress(argument: bad), bad)
        }
    }

    func testVirtioNetIsInTheInitrdButNotLoadedByDefault() {
        XCTAssertTrue(BootModules.initrd.contains("virtio_net"))
        XCTAssertFalse(QemuCommand.bootModules(for: LaunchOptions()).contains("virtio_net"))
    }
}
