import Foundation
import XCTest

/// The tools that change guests, on the GPT + /boot + LVM Debian 12 of `LVMGuestDisk`:
/// one copy per appliance goes through virt-customize, virt-log, virt-edit, virt-sysprep,
/// virt-sparsify --in-place and virt-resize --expand of the PV's partition into a larger
/// disk; then /boot and the two LVs of each result hold the same trees, and virt-log
/// printed the same.
final class LVMChangingToolsTests: XCTestCase {
    func testChangingToolsOnAnLVMGuestMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try LVMGuestDisk.path(f)
        var logs: [String] = [], trees: [[String]] = [], grown: [Int] = []
        for stock in [false, true] {
            let name = stock ? "stock" : "ours"
            let copy = f.work + "/lvm-change-\(name).img", target = f.work + "/lvm-resized-\(name).img"
            try Fixture.sh("cp --sparse=always \(disk) \(copy) && rm -f \(target) && truncate -s 900M \(target)")
            let tools = [
                // dpkg-query is the guest's own: the command runs in the installed system.
                "virt-customize -a \(copy) --hostname lvmhost --run-command 'dpkg-query -W base-files > /etc/ran'"
                    + " --append-line '/etc/hosts:10.0.0.1 extra' --write '/var/log/syslog:Jan  1 00:00:00 lvmguest kernel: hello'",
                "virt-log -a \(copy)",
                "virt-edit -a \(copy) /etc/hostname -e s/lvmhost/edited/",
                "virt-sysprep -a \(copy) --operations machine-id,logfiles,ssh-hostkeys,bash-history,tmp-files",
                "virt-sparsify --in-place \(copy)",
                "virt-resize --expand /dev/sda2 \(copy) \(target)",
            ]
            for tool in tools {
                let r = try f.runTool(tool, stock: stock)
                XCTAssertEqual(r.status, 0, "\(name): \(tool): \(r.err)")
                if tool.hasPrefix("virt-log") { logs.append(r.out) }
            }
            let pv = try LVMLayout(image: target, partition: 2)
            grown.append(pv.number("pe_count", after: "pv0 {") ?? 0)
            let tree = f.work + "/lvm-change-tree-\(name)"
            trees.append(try GuestTree.listing(of: target, work: tree + "-boot")
                + GuestTree.listing(of: target, work: tree, random: ["./etc/machine-id"], sector: pv.sector(ofLV: "root"))
                + GuestTree.listing(of: target, work: tree + "-home", sector: pv.sector(ofLV: "home")))
        }
        XCTAssertEqual(logs[0], logs[1])
        XCTAssertEqual(trees[0], trees[1])
        XCTAssertEqual(grown[0], grown[1])
        // What each tool did, so two appliances failing alike cannot pass.
        XCTAssertEqual(logs[0], "Jan  1 00:00:00 lvmguest kernel: hello")
        let root = f.work + "/lvm-change-tree-ours"
        XCTAssertEqual(try String(contentsOfFile: root + "/etc/hostname", encoding: .utf8), "edited\n")
        XCTAssertEqual(try String(contentsOfFile: root + "/etc/hosts", encoding: .utf8), "10.0.0.1 extra\n", "the guest had none")
        let ran = try String(contentsOfFile: root + "/etc/ran", encoding: .utf8)
        XCTAssertNotNil(ran.wholeMatch(of: /base-files\t12\.[0-9a-z.+~]+\n/), ran)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/var/log/syslog"), "logfiles removes it")
        XCTAssertEqual(try String(contentsOfFile: f.work + "/lvm-change-tree-ours-home/user/notes.txt", encoding: .utf8), "home file\n")
        // The PV grew with its partition (pvresize): more extents than the source's.
        XCTAssertGreaterThan(grown[0], try LVMLayout(image: disk, partition: 2).number("pe_count", after: "pv0 {") ?? .max)
    }
}
