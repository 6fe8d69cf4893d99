import Foundation
import ProtocolGenerator
import XCTest

/// The checked-in generated files are what scripts/generate-protocol writes from the
/// table today: an edited table without a regenerate fails here.
final class GeneratedFilesTests: XCTestCase {
    func testGeneratedFilesAreCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for file in Generator.files() {
            let onDisk = try? String(contentsOf: root.appendingPathComponent(file.path), encoding: .utf8)
            XCTAssertTrue(onDisk == file.contents, "\(file.path) is stale: run scripts/generate-protocol")
        }
    }
}
