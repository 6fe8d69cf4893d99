import ApplianceClient
import Foundation
import HostBuilder
import XCTest

/// What the end-to-end tests share: one appliance built from the host's kernel into a
/// private cache, and one sample disk (MBR, one ext4 partition holding a file).
final class Fixture: Sendable {
    static let shared = Result { try Fixture() }

    let productsDir: String
    let work: String
    let appliance: Appliance
    let disk: String
    /// The file on the sample disk and its exact bytes.
    let fileName = "hello.txt"
    let fileBytes: [UInt8] = Array("Hello from the sample disk.\nSecond line, ünïcödé.\n".utf8)

    private init() throws {
        productsDir = Self.findProductsDir()
        work = NSTemporaryDirectory() + Self.workPrefix + "\(getpid())"
        Self.removeFinishedRunsWork()
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)

        let kernel = try KernelDiscovery.find()
        var skeleton: String? = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rootfs-skel").path
        if !FileManager.default.fileExists(atPath: skeleton!) { skeleton = nil }
        let inputs = BuildInputs(kernel: kernel, initBinary: productsDir + "/init", guestdBinary: productsDir + "/guestd",
                                 skeleton: skeleton)
        appliance = try Builder(inputs: inputs).cached(in: work + "/cache")

        disk = work + "/sample.img"
        let files = work + "/files"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        try Data(fileBytes).write(to: URL(fileURLWithPath: files + "/" + fileName))
        try Self.sh("truncate -s 64M \(disk)")
        try Self.sh("echo 'start=2048, type=83' | sfdisk -q \(disk)")
        try Self.sh("mkfs.ext4 -q -F -E offset=1048576 -d \(files) \(disk) \(62 * 1024)k")
    }

    private static let workPrefix = "appliance-e2e-"

    /// A run's folder stays after it ends (a failure's disks can be looked at), until the
    /// next run: those of processes that are gone go then, since each holds gigabytes.
    private static func removeFinishedRunsWork() {
        let tmp = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] {
            guard name.hasPrefix(workPrefix), let pid = Int32(name.dropFirst(workPrefix.count)),
                  pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            // rm, not FileManager: HostileImageTests' tree is deeper than PATH_MAX.
            _ = try? sh("rm -rf '\(tmp + name)'")
        }
    }

    static func findProductsDir() -> String {
        let candidates = [
            (CommandLine.arguments[0] as NSString).deletingLastPathComponent,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/guestd") } ?? candidates[1]
    }

    /// Runs a shell command, failing with its output when it fails.
    @discardableResult
    static func sh(_ command: String, environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes while the process runs so a chatty command cannot block.
        let errData = LockedData()
        let t = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        t.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errData.isSet { Thread.sleep(forTimeInterval: 0.01) }
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData.get(), as: UTF8.self))
    }

    static func get(file: StaticString = #filePath, line: UInt = #line) throws -> Fixture {
        do { return try shared.get() } catch {
            XCTFail("fixture: \(error)", file: file, line: line)
            throw error
        }
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data ?? Data() }
}

extension Fixture {
    func options(rootMedia: RootMedia, readOnly: Bool = true) -> LaunchOptions {
        var o = LaunchOptions()
        o.drives = [Drive(path: disk, readOnly: readOnly)]
        o.rootMedia = rootMedia
        o.stateDirectory = work + "/cache"
        return o
    }
}
