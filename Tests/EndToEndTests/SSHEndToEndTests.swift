import Foundation
import HostBuilder
import XCTest

/// `appliance launch --ssh`: the real OpenSSH client reaches the appliance's own SSH
/// server through qemu's port forward, with the user's key only; and guestd's DHCP
/// client leases slirp's address.
final class SSHEndToEndTests: XCTestCase {
    private struct Launched {
        let pid: String
        let port: String
        let log: String
    }

    private func env(_ f: Fixture) -> [String: String] {
        ["APPLIANCE_CACHE": f.work + "/cache", "APPLIANCE_LIBEXEC": f.productsDir]
    }

    /// A fresh ed25519 key pair (private key path returned; the .pub beside it).
    private func keyPair(_ f: Fixture, _ name: String) throws -> String {
        let key = f.work + "/ssh-\(name)-\(UUID().uuidString)"
        let r = try Fixture.sh("ssh-keygen -q -t ed25519 -N '' -f \(key)")
        XCTAssertEqual(r.status, 0, r.err)
        return key
    }

    private func launch(_ f: Fixture, _ key: String, _ extra: String) throws -> Launched {
        let r = try Fixture.sh("\(f.productsDir)/appliance launch --accel tcg --ssh --ssh-key \(key).pub \(extra)", environment: env(f))
        XCTAssertEqual(r.status, 0, r.err)
        var fields: [String: String] = [:]
        for line in r.out.split(separator: "\n") {
            let kv = line.split(separator: " ", maxSplits: 1).map(String.init)
            if kv.count == 2 { fields[kv[0]] = kv[1] }
        }
        let pid = try XCTUnwrap(fields["pid:"], r.out), command = try XCTUnwrap(fields["ssh:"], r.out)
        XCTAssertTrue(command.hasSuffix("-i \(key) root@127.0.0.1"), command)
        let words = command.split(separator: " ")
        let port = try XCTUnwrap(words.firstIndex(of: "-p").map { String(words[$0 + 1]) }, command)
        return Launched(pid: pid, port: port, log: fields["log:"] ?? "")
    }

    private func stop(_ f: Fixture, _ l: Launched) {
        _ = try? Fixture.sh("\(f.productsDir)/appliance stop \(l.pid)")
    }

    /// OpenSSH as a script uses it: no known_hosts (the host key is new at each launch),
    /// no agent, no password prompt, only the key given.
    private func ssh(_ l: Launched, _ key: String, _ args: String, stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let options = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o LogLevel=ERROR -o ConnectTimeout=30"
        let input = stdin.map { "printf '%s' '\($0)' | " } ?? ""
        return try Fixture.sh("\(input)timeout 60 ssh \(options) -p \(l.port) -i \(key) \(args)")
    }

    func testOpenSSHReachesTheLaunchedAppliance() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh"), "needs OpenSSH's client (scripts/setup installs openssh-client)")
        let f = try Fixture.get()
        let key = try keyPair(f, "user"), wrong = try keyPair(f, "wrong")
        let started = Date()
        let l = try launch(f, key, "--network")
        defer { stop(f, l) }

        let uname = try ssh(l, key, "root@127.0.0.1 uname -r")
        let replied = Date().timeIntervalSince(started)
        XCTAssertEqual(uname.status, 0, uname.err + ((try? String(contentsOfFile: l.log, encoding: .utf8)) ?? ""))
        XCTAssertEqual(uname.out, try KernelDiscovery.find().version + "\n")
        print(String(format: "ssh: launch to the first reply of uname -r: %.2f s", replied))

        let refused = try ssh(l, wrong, "root@127.0.0.1 true")
        XCTAssertEqual(refused.status, 255)
        XCTAssertTrue(refused.err.contains("Permission denied (publickey)"), refused.err)
        let otherUser = try ssh(l, key, "nobody@127.0.0.1 true")
        XCTAssertEqual(otherUser.status, 255, "only root logs in")

        let ip = try ssh(l, key, "root@127.0.0.1 ip -4 addr show eth0")
        XCTAssertEqual(ip.status, 0, ip.err)
        XCTAssertTrue(ip.out.contains("inet 10.0.2.15/24"), ip.out)

        // stdout, stderr and the exit status each come back on their own.
        let split = try ssh(l, key, "root@127.0.0.1 'echo out; echo err >&2; exit 7'")
        XCTAssertEqual(split.status, 7)
        XCTAssertEqual(split.out, "out\n")
        XCTAssertEqual(split.err, "err\n")
        let stdin = try ssh(l, key, "root@127.0.0.1 'tr a-z A-Z'", stdin: "through stdin")
        XCTAssertEqual(stdin.out, "THROUGH STDIN")

        // An interactive shell on a pty: the shell reads from the terminal and exits.
        let shell = try ssh(l, key, "-tt root@127.0.0.1", stdin: "echo $((6*7)); tty; exit\n")
        XCTAssertEqual(shell.status, 0, shell.err)
        XCTAssertTrue(shell.out.contains("42\r\n"), shell.out)
        XCTAssertTrue(shell.out.contains("/dev/pts/"), shell.out)
    }

    func testDHCPLeasesSlirpsAddress() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh"), "needs OpenSSH's client")
        let f = try Fixture.get()
        let key = try keyPair(f, "dhcp")
        let l = try launch(f, key, "--network --network-address dhcp")
        defer { stop(f, l) }
        let r = try ssh(l, key, "root@127.0.0.1 'ip -4 addr show eth0; ip route; cat /etc/resolv.conf'")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("inet 10.0.2.15/24"), r.out)
        XCTAssertTrue(r.out.contains("default via 10.0.2.2 dev eth0"), r.out)
        XCTAssertTrue(r.out.contains("nameserver 10.0.2.3\n"), r.out)
    }
}
