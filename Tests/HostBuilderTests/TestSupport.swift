import Foundation
import XCTest

/// Runs a host tool (cpio, xz, ldd…) as an oracle for the format under test.
@discardableResult
func runTool(_ arguments: [String], stdin: Data? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe(), errors = Pipe(), input = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = stdin == nil ? FileHandle.nullDevice : input
    try process.run()
    // Feed stdin from another thread so a large output cannot deadlock against it.
    let writer = stdin.map { data in
        Thread {
            input.fileHandleForWriting.write(data)
            try? input.fileHandleForWriting.close()
        }
    }
    writer?.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if process.terminationStatus != 0 {
        XCTFail("\(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: err, as: UTF8.self))", file: file, line: line)
    }
    return out
}

/// A fresh directory removed when the test ends.
func makeTempDir(_ test: XCTestCase) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hb-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// The modules directory of the running kernel if present, else the newest installed one.
func hostModulesDir() throws -> String {
    var uts = utsname()
    uname(&uts)
    let release = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    if FileManager.default.fileExists(atPath: "/lib/modules/\(release)/modules.dep") { return "/lib/modules/\(release)" }
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/lib/modules")) ?? []
    guard let newest = versions.filter({ FileManager.default.fileExists(atPath: "/lib/modules/\($0)/modules.dep") })
        .sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last else {
        throw XCTSkip("no /lib/modules/*/modules.dep on this host; install linux-image-amd64 to run module tests")
    }
    return "/lib/modules/\(newest)"
}
