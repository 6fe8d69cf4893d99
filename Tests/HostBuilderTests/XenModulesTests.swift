import XCTest
@testable import HostBuilder

/// The Xen module set resolves against the host's kernel, and only `--xen` adds it.
final class XenModulesTests: XCTestCase {
    func testXenFrontEndsResolve() throws {
        let modules = try ModuleClosure(modulesDir: try hostModulesDir()).resolve(BootModules.xen).map(\.name)
        XCTAssertTrue(modules.contains("xen_blkfront") && modules.contains("xen_netfront"), "\(modules)")
        XCTAssertTrue(Set(BootModules.xen).isDisjoint(with: BootModules.initrd), "the default initrd carries no Xen drivers")
    }
}
