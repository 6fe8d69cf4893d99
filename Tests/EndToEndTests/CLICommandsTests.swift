import Foundation
import XCTest

/// `appliance run` exposes the same calls as guestfish, under the same names, printing
/// the same: one command chain through our CLI and through real guestfish (both on our
/// appliance, each on its own read-write copy of the sample disk).
final class CLICommandsTests: XCTestCase {
    func testCLIPrintsWhatGuestfishPrints() throws {
        let f = try Fixture.get()
        let upload = f.work + "/cli-upload.txt"
        try Data("uploaded from the host\nsecond line\n".utf8).write(to: URL(fileURLWithPath: upload))
        let chain = """
            mount /dev/sda1 / : write /w.txt hello : write-append /w.txt world : cat /w.txt : filesize /w.txt \
            : mkdir-p /a/b : touch /a/b/c : find / : is-dir /a followsymlinks:true : part-list /dev/sda \
            : list-filesystems : readlinklist / a : checksum sha256 /w.txt : upload \(upload) /up : download /up - \
            : head-n 1 /up : part-get-mbr-id /dev/sda 1 : canonical-device-name /dev/vda1 : mountpoints : statvfs / \
            : chmod 0751 /a : lstatns /a : pread /up 8 9 : exists /nothing : umount-all
            """
        try Fixture.sh("cp --sparse=always \(f.disk) \(f.work)/cli-ours.img && cp --sparse=always \(f.disk) \(f.work)/cli-gf.img")
        let ours = try Fixture.sh("\(f.productsDir)/appliance run --accel tcg -a \(f.work)/cli-ours.img -- \(chain)",
                                  environment: ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir])
        let fish = try f.runTool("guestfish -a \(f.work)/cli-gf.img run : \(chain)", stock: false)
        XCTAssertEqual(ours.status, 0, ours.err)
        XCTAssertEqual(fish.status, 0, fish.err)
        let a = ours.out.split(separator: "\n").map(String.init).filter { !GuestfishScriptTests.isVolatile($0) }
        let b = fish.out.split(separator: "\n").map(String.init).filter { !GuestfishScriptTests.isVolatile($0) }
        XCTAssertGreaterThan(b.count, 40)
        XCTAssertEqual(a, b)
    }
}
