import Foundation
import XCTest

/// `appliance build --xen`: the initrd holds Xen's front ends and lists them in the
/// boot-modules index. Nothing here boots under Xen (there is no Xen on this machine).
final class XenBuildTests: XCTestCase {
    func testXenBuildCarriesTheFrontEnds() throws {
        let f = try Fixture.get()
        let env = ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir]
        let out = f.work + "/xen-appliance"
        let build = try Fixture.sh("\(f.productsDir)/appliance build --xen -o \(out)", environment: env)
        XCTAssertEqual(build.status, 0, build.err)
        let files = try Fixture.sh("zstd -dc \(out)/initrd | cpio -it --quiet").out.split(separator: "\n")
        for module in ["xen_blkfront.ko", "xen_netfront.ko", "virtio_blk.ko"] {
            XCTAssertTrue(files.contains { $0.hasSuffix("/" + module) }, "\(module) not in the initrd: \(files)")
        }
        let index = try String(contentsOfFile: out + "/boot-modules", encoding: .utf8)
        XCTAssertTrue(index.contains("xen_blkfront:") && index.contains("xen_netfront:"), index)

        let plain = try Fixture.sh("zstd -dc \(f.appliance.initrd) | cpio -it --quiet").out
        XCTAssertFalse(plain.contains("xen_blkfront"), "only --xen adds them")
    }
}
