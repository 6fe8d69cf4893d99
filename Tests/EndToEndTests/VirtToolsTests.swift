import Foundation
import XCTest

/// Debian's virt-* tools print the same on our appliance as on libguestfs's stock one
/// (read-only, on the sample disk; -m names the filesystem so no inspection is needed).
final class VirtToolsTests: XCTestCase {
    func testVirtLsFilesystemsAndDfMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        for tool in ["virt-ls -lR -m /dev/sda1 -a \(f.disk) /", "virt-filesystems --all --long -a \(f.disk)", "virt-df -a \(f.disk)"] {
            let (ours, stock) = try f.runOnBoth(tool)
            XCTAssertEqual(ours, stock, tool)
        }
    }
}

extension Fixture {
    /// A libguestfs tool with our appliance (LIBGUESTFS_PATH) or the stock one.
    func runTool(_ command: String, stock: Bool) throws -> (status: Int32, out: String, err: String) {
        var env = ["LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg", "LIBGUESTFS_TMPDIR": work]
        if !stock {
            env["LIBGUESTFS_PATH"] = appliance.directory
            env["LIBGUESTFS_CACHEDIR"] = work
        }
        return try Fixture.sh((stock ? "env -u LIBGUESTFS_PATH -u LIBGUESTFS_CACHEDIR " : "") + command, environment: env)
    }

    /// The tool on our appliance and on the stock one, each asserted to succeed (and to
    /// print something); their outputs, for the caller to compare.
    func runOnBoth(_ tool: String, file: StaticString = #filePath, line: UInt = #line) throws -> (ours: String, stock: String) {
        let ours = try runTool(tool, stock: false), stock = try runTool(tool, stock: true)
        XCTAssertEqual(ours.status, 0, "\(tool): \(ours.err)", file: file, line: line)
        XCTAssertEqual(stock.status, 0, "\(tool) (stock): \(stock.err)", file: file, line: line)
        XCTAssertFalse(stock.out.isEmpty, tool, file: file, line: line)
        return (ours.out, stock.out)
    }
}
