import Foundation

/// A Debian 12 system as its installer lays it down: mmdebstrap's minbase with systemd
/// as init, from Debian's mirror, as one tarball. The guest images of the storage tests
/// are made from it, so that inspection meets a real installed system (dpkg's database,
/// os-release, systemd's units and links) rather than a few hand-written files. Made
/// once per test run.
enum DebianTree {
    static let made = LockedPath()

    static func tarball(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let tar = f.work + "/debian12.tar", partial = f.work + "/debian12-partial.tar"
        let r = try Fixture.sh("mmdebstrap --quiet --variant=minbase --include=systemd-sysv bookworm \(partial) && mv \(partial) \(tar)")
        guard r.status == 0 else { throw GuestImageError(reason: "mmdebstrap could not install Debian 12: \(r.err)") }
        made.set(tar)
        return tar
    }
}
