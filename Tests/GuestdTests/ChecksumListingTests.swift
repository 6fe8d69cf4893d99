import Foundation
import GuestProtocol
import XCTest

/// checksum and ll, checked against the host's coreutils on the same files.
final class ChecksumListingTests: SysrootTestCase {
    func testChecksumsMatchCoreutils() throws {
        var data = [UInt8](repeating: 0, count: 200_003)
        for i in data.indices { data[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 7) }
        try Data(data).write(to: URL(fileURLWithPath: path("/blob")))
        try write("/empty", "")
        for file in ["/blob", "/empty", "/inside.txt"] {
            for (type, tool) in [("md5", "md5sum"), ("sha1", "sha1sum"), ("sha224", "sha224sum"), ("sha256", "sha256sum"),
                                 ("sha384", "sha384sum"), ("SHA512", "sha512sum"), ("crc", "cksum")] {
                let expected = shell("\(tool) < \(path(file))").split(separator: " ").first.map(String.init)
                XCTAssertEqual(try daemon.call(.checksum, [type, file]).string(), expected, "\(type) \(file)")
            }
        }
        assertError(try daemon.call(.checksum, ["md4", "/blob"]), "unknown checksum type, expecting crc|md5|sha1|sha224|sha256|sha384|sha512")
        assertError(try daemon.call(.checksum, ["md4", "/nope"]), "/nope: No such file or directory", errno: "ENOENT")
    }

    func testLlMatchesLsLa() throws {
        try write("/dir/a file", "12345")
        try FileManager.default.createSymbolicLink(atPath: path("/dir/ln"), withDestinationPath: "a file")
        _ = chmod(path("/dir/a file"), 0o4755)
        _ = chown(path("/dir/sub"), 1234, 5678)
        let old = timespec(tv_sec: 1_000_000_000, tv_nsec: 0)
        var times = [old, old]
        _ = utimensat(AT_FDCWD, path("/dir/sub"), &times, 0)
        let expected = shell("cd \(path("/dir")) && LC_ALL=C TZ=UTC ls -lan \(path("/dir"))")
        XCTAssertEqual(try daemon.call(.ll, ["/dir"]).string(), expected)
        assertError(try daemon.call(.ll, ["/nope"]), "/nope: No such file or directory", errno: "ENOENT")
    }
}
