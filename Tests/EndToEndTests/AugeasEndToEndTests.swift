import Foundation
import XCTest

/// One guestfish script of Augeas calls (reading, editing, saving, a failed save, load,
/// transform, flags, the handle's life), glob_expand and mktemp/mkdtemp's refusals,
/// run by Debian's guestfish on a copy of the Debian-like guest with our appliance and
/// with the stock one: the outputs and the error lines must agree line by line.
final class AugeasEndToEndTests: XCTestCase {
    func testAugeasAndGlobPrintTheSameOnOurApplianceAndTheStockOne() throws {
        let f = try Fixture.get()
        let disk = try CustomizableGuestDisk.path(f)
        let script = f.work + "/augeas.gf"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        var results: [(out: String, err: String)] = []
        for stock in [false, true] {
            let copy = f.work + (stock ? "/augeas-stock.img" : "/augeas-ours.img")
            try Fixture.sh("cp --sparse=always \(disk) \(copy)")
            let r = try f.runTool("guestfish -a \(copy) -f \(script)", stock: stock)
            XCTAssertEqual(r.status, 0, "\(stock ? "stock" : "ours"): \(r.err)")
            results.append((r.out, r.err))
        }
        XCTAssertEqual(results[0].out, results[1].out)
        XCTAssertEqual(results[0].err, results[1].err)
        // The commands marked "-" fail on both, with these texts among them.
        XCTAssertEqual(results[1].err.split(separator: "\n").count, 20, results[1].err)
        for text in ["aug_get: do_aug_get: you must call 'aug-init' first to initialize Augeas",
                     "aug_set: aug_set: /files/etc/hosts/1/canonical[: x: Invalid path expression: illegal string literal: /files/etc/hosts/1/canonical[|=|",
                     "aug_save: aug_save: No error", "glob_expand: glob_expand_stub: path must start with a / character",
                     "mktemp: template /tmp/nosuffix must end in X"] {
            XCTAssertTrue(results[0].err.contains(text), text)
        }
        XCTAssertTrue(results[0].out.contains("127.0.0.1\tlocalhost.localdomain lh\n127.0.1.1\toldhost.example.org oldhost\n"),
                      results[0].out)
        XCTAssertTrue(results[0].out.contains("/etc/ssh/ssh_host_rsa_key\n/etc/ssh/ssh_host_ed25519_key\n"), results[0].out)
    }

    static let script = """
        run
        mount /dev/sda1 /
        -aug-get /files/etc/hostname/hostname
        -aug-close
        aug-init / 0
        aug-get /files/etc/hostname/hostname
        aug-match /files/etc/hosts/*/canonical
        aug-ls /files/etc/hosts/2
        aug-ls /files/etc/hosts
        -aug-ls /files/etc/hosts/
        -aug-ls /files/etc/hosts[1]
        -aug-get /files/etc/hosts/*/canonical
        -aug-get /files/etc/nope
        -aug-get /augeas
        aug-defvar hosts /files/etc/hosts
        aug-ls $hosts
        aug-defvar gone ""
        aug-defnode newnode /files/etc/hosts/01/ipaddr 10.9.9.9
        aug-defnode newnode /files/etc/hosts/01/ipaddr 10.9.9.9
        aug-set /files/etc/hosts/01/canonical nine.example.org
        aug-insert /files/etc/hosts/01/canonical alias false
        aug-set /files/etc/hosts/01/alias nine
        aug-insert /files/etc/hosts/1 #comment true
        aug-set /files/etc/hosts/#comment[1] first
        -aug-set /files/etc/hosts/*/canonical x
        -aug-set /files/etc/hosts/1/canonical[ x
        -aug-insert /files/etc/hosts/* alias true
        aug-rm /files/etc/hosts/3/alias
        aug-rm /files/etc/hosts/nothing
        -aug-rm /files/etc/hosts/[
        aug-mv /files/etc/hosts/2/alias /files/etc/hosts/1/alias
        -aug-mv /files/etc/hosts/* /files/etc/hosts/9
        aug-setm /files/etc/hosts/* canonical changed
        aug-setm /files/etc/hosts/2 "" twovalue
        aug-label /files/etc/hosts/1/canonical
        -aug-label /files/etc/nope
        -aug-label /files/etc/hosts/*
        aug-clear /files/etc/hosts/2
        -aug-save
        aug-match /augeas/files/etc/hosts/error
        aug-get /augeas/files/etc/hosts/error/message
        aug-load
        aug-get /files/etc/hosts/1/canonical
        aug-close
        aug-init / 0
        aug-set /files/etc/hosts/1/canonical localhost.localdomain
        aug-insert /files/etc/hosts/1/canonical alias false
        aug-set /files/etc/hosts/1/alias lh
        aug-rm /files/etc/hosts/3
        aug-defnode nn /files/etc/hosts/01/ipaddr 10.9.9.9
        aug-set /files/etc/hosts/01/canonical nine
        aug-save
        cat /etc/hosts
        aug-get /augeas/files/etc/hosts/path
        aug-transform Hosts /etc/hosts.extra
        aug-transform Hosts /etc/hosts.extra remove:true
        -aug-transform NoSuchLens /etc/x
        aug-close
        -aug-close
        -aug-init /nonexistent 0
        aug-init / 32
        aug-match /files/etc/hosts/*
        aug-load
        aug-match /files/etc/hostname/*
        aug-close
        glob-expand /etc/ssh/*
        glob-expand /etc/ssh/ssh_host_{rsa,ed25519}_key
        glob-expand /*
        glob-expand /* directoryslash:false
        glob-expand /t*/ directoryslash:false
        glob-expand /nomatch/*
        glob-expand /var/log/*.log
        glob-expand /usr/bin/sh
        glob-expand /etc/s[hs]*
        glob-expand /lib/x86_64-linux-gnu/libc.*
        glob-expand /home/*/.bash_history
        -glob-expand relative/*
        -mktemp /tmp/tooshortXX
        -mktemp /tmp/nosuffix suffix:.txt
        -mkdtemp /tmp/dXXXX

        """
}
