import Foundation
import XCTest
@testable import HostBuilder

/// The appliance cache, with the host's real kernel and modules and small stand-in
/// programs for init and guestd (any dynamic ELF will do for the builder).
final class CacheTests: XCTestCase {
    private struct Setup {
        let dir: String
        let cache: String
        let builder: Builder
    }

    private func setup() throws -> Setup {
        let dir = try makeTempDir(self)
        let kernel = try KernelDiscovery.find()
        for name in ["init", "guestd"] {
            try FileManager.default.copyItem(atPath: "/bin/true", toPath: "\(dir)/\(name)")
        }
        try FileManager.default.createDirectory(atPath: "\(dir)/skel/etc", withIntermediateDirectories: true)
        try "appliance\n".write(toFile: "\(dir)/skel/etc/hostname", atomically: false, encoding: .utf8)
        let inputs = BuildInputs(kernel: kernel, initBinary: "\(dir)/init", guestdBinary: "\(dir)/guestd", skeleton: "\(dir)/skel")
        return Setup(dir: dir, cache: "\(dir)/cache", builder: Builder(inputs: inputs))
    }

    private func appliances(in cache: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).filter { $0.hasPrefix("appliance-") }
    }

    /// Moves a file's mtime, as an upgrade or a rebuild would.
    private func touch(_ path: String, by seconds: Int) throws {
        let date = (try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date).addingTimeInterval(Double(seconds))
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    func testSameInputsReuseTheAppliance() throws {
        let s = try setup()
        let first = try s.builder.cached(in: s.cache)
        let stamp = try String(contentsOfFile: first.stamp, encoding: .utf8)
        let started = Date()
        let again = try s.builder.cached(in: s.cache)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(again, first)
        XCTAssertEqual(try String(contentsOfFile: again.stamp, encoding: .utf8), stamp)
        print("cache hit took \(Int(seconds * 1000)) ms")
        // libguestfs's fixed-appliance layout.
        for f in [first.kernel, first.initrd, first.root, first.readmeFixed] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: f), f)
        }
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: first.readmeFixed)[.size] as? Int, 0)
    }

    /// `build --ssh` is cached beside the default appliance (neither evicts the other),
    /// and only its root holds the server; both hold busybox's applet links (the rescue
    /// shell's tools), where no real program of that name is.
    func testSSHVariantLivesBesideTheDefault() throws {
        let s = try setup()
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: "\(s.dir)/appliance-sshd")
        var inputs = s.builder.inputs
        inputs.sshdBinary = "\(s.dir)/appliance-sshd"
        let plain = try s.builder.cached(in: s.cache)
        let ssh = try Builder(inputs: inputs).cached(in: s.cache)
        XCTAssertTrue((ssh.directory as NSString).lastPathComponent.hasPrefix("appliance-ssh-"), ssh.directory)
        XCTAssertEqual(try s.builder.cached(in: s.cache), plain, "the default is still cached")
        XCTAssertEqual(Set(appliances(in: s.cache)), Set([plain, ssh].map { ($0.directory as NSString).lastPathComponent }))

        func debugfs(_ root: String, _ request: String) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/sbin/debugfs")
            p.arguments = ["-R", request, root]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        XCTAssertTrue(try debugfs(ssh.root, "stat /usr/sbin/appliance-sshd").contains("Type: regular"))
        XCTAssertTrue(try debugfs(ssh.root, "stat /usr/bin/ls").contains("Fast link dest: \"busybox\""))
        XCTAssertTrue(try debugfs(ssh.root, "stat /root").contains("Type: directory"))
        XCTAssertFalse(try debugfs(plain.root, "stat /usr/sbin/appliance-sshd").contains("Type: regular"))
        XCTAssertTrue(try debugfs(plain.root, "stat /usr/bin/busybox").contains("Type: regular"))
        XCTAssertTrue(try debugfs(plain.root, "stat /usr/bin/ls").contains("Fast link dest: \"busybox\""))
        XCTAssertTrue(try debugfs(plain.root, "stat /usr/bin/mount").contains("Type: regular"), "util-linux's mount, not the applet")
    }

    func testEachInputChangeRebuilds() throws {
        let s = try setup()
        var seen = Set([try s.builder.cached(in: s.cache).directory])
        for changed in ["\(s.dir)/init", "\(s.dir)/guestd", "\(s.dir)/skel/etc/hostname"] {
            try touch(changed, by: 10)
            let next = try s.builder.cached(in: s.cache)
            XCTAssertTrue(seen.insert(next.directory).inserted, "changing \(changed) must give a new appliance")
            XCTAssertEqual(appliances(in: s.cache), [(next.directory as NSString).lastPathComponent], "stale appliances are removed")
        }
        // The kernel and the module tree: a copy of the kernel with a new mtime.
        let kernelCopy = "\(s.dir)/vmlinuz"
        try FileManager.default.copyItem(atPath: s.builder.inputs.kernel.kernel, toPath: kernelCopy)
        var inputs = s.builder.inputs
        inputs.kernel = try KernelDiscovery.find(kernel: kernelCopy, modules: inputs.kernel.modulesDir)
        let withCopy = try Builder(inputs: inputs).cached(in: s.cache)
        XCTAssertTrue(seen.insert(withCopy.directory).inserted)
        try touch(kernelCopy, by: 10)
        XCTAssertTrue(seen.insert(try Builder(inputs: inputs).cached(in: s.cache).directory).inserted)
    }

    /// The default and the Xen variant live side by side and share one unpacked kernel;
    /// a rebuild of one variant replaces only its own older build.
    func testVariantsStayCachedAndShareTheUnpackedKernel() throws {
        let s = try setup()
        let plain = try s.builder.cached(in: s.cache)
        var xenInputs = s.builder.inputs
        xenInputs.initrdModules += BootModules.xen
        let xen = try Builder(inputs: xenInputs).cached(in: s.cache)
        XCTAssertNotEqual(plain, xen)
        XCTAssertEqual(Set(appliances(in: s.cache)), Set([plain, xen].map { ($0.directory as NSString).lastPathComponent }))
        func inode(_ path: String) -> (ino: UInt, links: UInt) {
            var st = stat()
            XCTAssertEqual(stat(path, &st), 0, path)
            return (UInt(st.st_ino), UInt(st.st_nlink))
        }
        XCTAssertEqual(inode(plain.kernel).ino, inode(xen.kernel).ino, "one unpacked kernel")
        XCTAssertEqual(inode(plain.kernel).links, 3, "the cache's copy and two appliances")

        // Saved VM states of each (the launcher names them after their appliance).
        let name = { (a: Appliance) in (a.directory as NSString).lastPathComponent }
        let plainStates = ["warm-\(name(plain))-0123456789abcdef.state", "warm-\(name(plain))-0123456789abcdef.state.lock"]
        let xenState = "warm-\(name(xen))-fedcba9876543210.state"
        for state in plainStates + [xenState] { XCTAssertTrue(FileManager.default.createFile(atPath: s.cache + "/" + state, contents: Data())) }

        try touch("\(s.dir)/guestd", by: 10)
        let rebuilt = try s.builder.cached(in: s.cache)
        XCTAssertEqual(Set(appliances(in: s.cache)), Set([rebuilt, xen].map { ($0.directory as NSString).lastPathComponent }),
                       "the old default build is replaced, the Xen one stays")
        let states = try FileManager.default.contentsOfDirectory(atPath: s.cache).filter { $0.hasPrefix("warm-") }
        XCTAssertEqual(states, [xenState], "the replaced build's saved states go with it")
        XCTAssertEqual(inode(rebuilt.kernel).ino, inode(xen.kernel).ino)
        let kernels = try FileManager.default.contentsOfDirectory(atPath: s.cache).filter { $0.hasPrefix("kernel-") }
        XCTAssertEqual(kernels.count, 1, "\(kernels)")
    }

    func testTwoBuildersAtOnceMakeOneAppliance() throws {
        let s = try setup()
        let results = ResultBox()
        let group = DispatchGroup()
        for _ in 0 ..< 2 {
            group.enter()
            Thread {
                results.append(Result { try s.builder.cached(in: s.cache) })
                group.leave()
            }.start()
        }
        group.wait()
        let dirs = try results.all.map { try $0.get().directory }
        XCTAssertEqual(dirs.count, 2)
        XCTAssertEqual(Set(dirs).count, 1, "both builders return the same appliance")
        XCTAssertEqual(appliances(in: s.cache).count, 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: s.cache).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "no temporary folder is left behind")
    }

    func testTruncatedCachedFileIsRebuilt() throws {
        let s = try setup()
        let a = try s.builder.cached(in: s.cache)
        let size = try FileManager.default.attributesOfItem(atPath: a.root)[.size] as! Int
        XCTAssertEqual(truncate(a.root, 4096), 0)
        XCTAssertFalse(s.builder.isComplete(a, key: try s.builder.key()))
        let rebuilt = try s.builder.cached(in: s.cache)
        XCTAssertEqual(rebuilt, a)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: rebuilt.root)[.size] as? Int, size)
        XCTAssertEqual(try rebuilt.rootUUID(), try a.rootUUID(), "the UUID derives from the inputs")
    }

    func testOutputNeverReplacesAFolderThatIsNotAnAppliance() throws {
        let s = try setup()
        let precious = "\(s.dir)/precious"
        try FileManager.default.createDirectory(atPath: precious, withIntermediateDirectories: true)
        try "keep".write(toFile: "\(precious)/file", atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try s.builder.build(into: precious, force: true)) {
            XCTAssertTrue("\($0)".contains("is not an appliance"), "\($0)")
        }
        XCTAssertEqual(try String(contentsOfFile: "\(precious)/file", encoding: .utf8), "keep")
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Appliance, Error>] = []
    func append(_ r: Result<Appliance, Error>) { lock.lock(); results.append(r); lock.unlock() }
    var all: [Result<Appliance, Error>] { lock.lock(); defer { lock.unlock() }; return results }
}

final class InitrdTests: XCTestCase {
    /// The initrd as the kernel reads it: a zstd frame holding a newc cpio with init, the
    /// modules and their load order, dependencies first.
    func testInitrdIsACompressedArchiveOfInitAndModules() throws {
        let dir = try makeTempDir(self)
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: "\(dir)/init")
        let inputs = BuildInputs(kernel: try KernelDiscovery.find(), initBinary: "\(dir)/init", guestdBinary: "/bin/true", skeleton: nil)
        try Initrd(inputs: inputs, progress: { _ in }).write(to: "\(dir)/initrd", bootModulesIndex: "\(dir)/boot-modules")
        let packed = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/initrd"))
        XCTAssertEqual(Array(packed.prefix(4)), [0x28, 0xB5, 0x2F, 0xFD], "zstd magic")
        XCTAssertLessThanOrEqual(packed.count, 2 * 1024 * 1024)
        let archive = try runTool(["zstd", "-d", "-c"], stdin: packed)
        let names = String(decoding: try runTool(["cpio", "-t", "--quiet"], stdin: archive), as: UTF8.self).split(separator: "\n")
        XCTAssertTrue(names.contains("init") && names.contains("modules/load-order") && names.contains("modules/ext4.ko"), "\(names)")
        let order = String(decoding: try runTool(["cpio", "-i", "--to-stdout", "--quiet", "modules/load-order"], stdin: archive), as: UTF8.self)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        XCTAssertLessThan(order.firstIndex(of: "jbd2.ko")!, order.firstIndex(of: "ext4.ko")!)
        XCTAssertFalse(order.contains("crc32c_intel.ko"), "drivers that fail under TCG are left out")
        let blk = Appliance(directory: dir).bootModuleClosure(["virtio_blk"]) ?? []
        XCTAssertEqual(blk.last, "virtio_blk")
        XCTAssertTrue(blk.contains("virtio_ring"), "\(blk)")
        // The set for launchers that name no modules: IDE disks but no CD-ROM stack, the
        // network apart.
        let defaults = String(decoding: try runTool(["cpio", "-i", "--to-stdout", "--quiet", "modules/default"], stdin: archive), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(separator: ",").map(String.init) }
        XCTAssertTrue(["virtio_pci", "virtio_scsi", "sd_mod", "virtio_blk", "virtio_console", "ext4", "libata", "ata_piix"].allSatisfy(defaults[0].contains), "\(defaults)")
        XCTAssertFalse(defaults[0].contains { ["sr_mod", "cdrom", "virtio_net"].contains($0) }, "\(defaults)")
        XCTAssertEqual(defaults[1].last, "virtio_net")
        XCTAssertTrue(Set(defaults[0] + defaults[1]).isSubset(of: order.map { String($0.dropLast(3)) }), "every name is in load-order")
    }
}
