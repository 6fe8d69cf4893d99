import XCTest
@testable import ApplianceClient
@testable import HostBuilder

/// A saved state is found by everything the saved machine depends on: a change to any
/// of them is another state, and the per-launch folder is not part of it.
final class WarmStateKeyTests: XCTestCase {
    private func command(_ change: (inout LaunchOptions) -> Void = { _ in }, kvm: Bool = false, folder: String = "/tmp/appliance-a") -> QemuCommand {
        var o = LaunchOptions()
        change(&o)
        return QemuCommand(appliance: Appliance(directory: "/c/appliance-1"), rootUUID: "0123", options: o, useKVM: kvm,
                           channelSocket: folder + "/channel", warm: true)
    }

    private func key(_ c: QemuCommand, appliance: String = "/c/appliance-1", qemu: String = "/usr/bin/qemu", size: Int = 100,
                     modified: Int = 7, folder: String = "/tmp/appliance-a") -> String {
        Cache.digest(WarmState.keyLines(appliance: appliance, qemu: qemu, qemuSize: size, qemuModified: modified,
                                        command: c, privateFolder: folder))
    }

    func testEveryPartOfTheMachineIsInTheKey() {
        let base = key(command())
        XCTAssertEqual(key(command(folder: "/tmp/appliance-b"), folder: "/tmp/appliance-b"), base, "the per-launch folder is not")
        XCTAssertEqual(key(command { $0.drives = [Drive(path: "/d.img")] }), base, "disks are hot-plugged: not")
        let others = [
            key(command(), appliance: "/c/appliance-2"),
            key(command(), qemu: "/opt/qemu"),
            key(command(), size: 101),
            key(command(), modified: 8),
            key(command(kvm: true)),
            key(command { $0.memoryMB = 256 }),
            key(command { $0.network = .user }),
            key(command { $0.ssh = SSHAccess(keyType: "ssh-ed25519", keyBase64: "AAAA", publicKeyFile: "/k.pub", hostPort: 2222) }),
            key(command { $0.legacyDevices = true }),
            key(command { $0.verbose = true }),
        ]
        XCTAssertEqual(Set(others + [base]).count, others.count + 1, "each change is a state of its own")
    }

    func testTheKeyNamesAcceleratorMachineMemoryAndCPU() {
        let lines = WarmState.keyLines(appliance: "/c/appliance-1", qemu: "/usr/bin/qemu", qemuSize: 1, qemuModified: 2,
                                       command: command { $0.memoryMB = 384 }, privateFolder: "/tmp/appliance-a")
        for line in ["accel tcg", "machine pc", "memory 384", "cpu qemu64", "qemu /usr/bin/qemu 1 2"] {
            XCTAssertTrue(lines.contains(line), "\(line) in \(lines)")
        }
        XCTAssertFalse(lines.contains { $0.contains("/tmp/appliance-a") })
    }

    /// The launcher saves or restores only what it can; KVM, network, SSH, legacy
    /// devices, a CD-ROM root, a timeline and --no-snapshot boot cold.
    func testWhichLaunchesAreWarm() {
        XCTAssertTrue(WarmState.isPossible(LaunchOptions(), useKVM: false))
        XCTAssertFalse(WarmState.isPossible(LaunchOptions(), useKVM: true))
        var changes: [(inout LaunchOptions) -> Void] = [
            { $0.warmStart = false }, { $0.network = .user }, { $0.legacyDevices = true }, { $0.rootMedia = .cdrom },
            { $0.timings = true },
        ]
        changes.append { $0.ssh = SSHAccess(keyType: "ssh-ed25519", keyBase64: "AAAA", publicKeyFile: "/k.pub", hostPort: 2222) }
        for change in changes {
            var o = LaunchOptions()
            change(&o)
            XCTAssertFalse(WarmState.isPossible(o, useKVM: false))
        }
    }

    func testTheStateIsNamedAfterItsApplianceBesideIt() {
        let state = WarmState(appliance: Appliance(directory: "/c/appliance-ssh-1"), qemu: "/nonexistent", command: command(),
                              privateFolder: "/tmp/appliance-a")
        XCTAssertTrue(state.path.hasPrefix("/c/warm-appliance-ssh-1-"), state.path)
        XCTAssertTrue(state.path.hasSuffix(".state"), state.path)
    }
}
