import Foundation
import ProtocolGenerator

// Rewrites the generated files under the package root (the first argument, else the
// current directory); prints the ones that changed.
let root = CommandLine.arguments.dropFirst().first ?? FileManager.default.currentDirectoryPath
for file in Generator.files() {
    let url = URL(fileURLWithPath: root).appendingPathComponent(file.path)
    if (try? String(contentsOf: url, encoding: .utf8)) == file.contents { continue }
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try file.contents.write(to: url, atomically: true, encoding: .utf8)
    print("wrote \(file.path)")
}
