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
        let line = (stock ? "env -u LIBGUESTFS_PATH -u LIBGUESTFS_CACHEDIR " : "") + command
        var r = try Fixture.sh(line, environment: env)
        // The stock appliance's kernel may probe its own root disk first (about every
        // other boot, more often under load), and then names the caller's last disk one
        // letter too far: such a run is repeated, up to three times.
        for _ in 0 ..< 3 where stock && Self.namesADiskBeyond(Self.drives(command), r.out + r.err) {
            FileHandle.standardError.write(Data("stock appliance numbered its own disk first; repeating: \(command)\n".utf8))
            r = try Fixture.sh(line, environment: env)
        }
        return r
    }

    /// How many `-a` drives a tool's command line adds.
    static func drives(_ command: String) -> Int {
        command.split(separator: " ").filter { $0 == "-a" || $0 == "--add" }.count
    }

    /// Whether the text names /dev/sdX for a disk index at or past `count` (never when
    /// the command adds no drives).
    static func namesADiskBeyond(_ count: Int, _ text: String) -> Bool {
        guard count > 0, count < 26 else { return false }
        let beyond = Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(count)))
        return text.ranges(of: "/dev/sd").contains { r in
            r.upperBound < text.endIndex && text[r.upperBound] >= beyond && text[r.upperBound] <= "z"
        }
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

final class StockDiskNumberingTests: XCTestCase {
    func testADiskNamedPastTheAddedDrivesIsNoticed() {
        XCTAssertEqual(Fixture.drives("guestfish -a x.img -a y.img -f s"), 2)
        XCTAssertTrue(Fixture.namesADiskBeyond(2, "error: ntfsresize: /dev/sdc1: failed"))
        XCTAssertFalse(Fixture.namesADiskBeyond(2, "/dev/sda1\n/dev/sdb1\n"))
        XCTAssertFalse(Fixture.namesADiskBeyond(0, "/dev/sdz"))
        XCTAssertFalse(Fixture.namesADiskBeyond(1, "/dev/sd"))
    }
}
