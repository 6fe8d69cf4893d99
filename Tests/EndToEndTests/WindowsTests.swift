import Foundation
import XCTest

/// Windows guests on our appliance as on libguestfs's stock one: a phony Windows disk
/// (NTFS, a system root with SOFTWARE and SYSTEM hives and a PE cmd.exe) inspected by
/// guestfish and virt-inspector, its registry exported by virt-win-reg, files read by
/// drive-letter paths and case_sensitive_path, and the hivex_* calls run on a copy, with the same outputs and
/// error texts on both.
final class WindowsTests: XCTestCase {
    func testInspectionAndWindowsToolsMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let disk = try WindowsDisk.path(f)
        let root = "/dev/sda2"
        let calls = ["type", "distro", "product-name", "product-variant", "major-version", "minor-version", "arch", "hostname",
                     "drive-mappings", "windows-systemroot", "windows-software-hive", "windows-system-hive",
                     "windows-current-control-set", "mountpoints", "filesystems", "package-format", "osinfo"]
        let inspect = "guestfish --ro -a \(disk) -i inspect-get-roots" + calls.map { " : inspect-get-\($0) \(root)" }.joined()
        for tool in [inspect, "virt-inspector -a \(disk)",
                     "virt-win-reg \(disk) 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'",
                     "virt-win-reg \(disk) 'HKLM\\SYSTEM\\MountedDevices'",
                     "virt-cat -a \(disk) 'c:\\windows\\system32\\drivers\\etc\\hosts'",
                     "virt-ls -R -a \(disk) /Windows",
                     "guestfish --ro -a \(disk) -i case-sensitive-path /WINDOWS/system32/DRIVERS/etc/hosts"
                        + " : case-sensitive-path /windows/system32/new.txt"] {
            let (ours, stock) = try f.runOnBoth(tool)
            XCTAssertEqual(ours, stock, tool)
        }
        let ours = try f.runTool(inspect, stock: false).out
        XCTAssertEqual(ours, """
            /dev/sda2
            windows
            windows
            Windows Server 2019 Datacenter
            Server
            10
            0
            i386
            phonywin
            C: /dev/sda2
            E: /dev/sda1
            /Windows
            /Windows/System32/Config/SOFTWARE
            /Windows/System32/Config/SYSTEM
            ControlSet001
            /: /dev/sda2
            /dev/sda2
            unknown
            win2k19

            """)
    }

    /// The hivex group through guestfish on a copy of the disk: reads, lookups that find
    /// nothing, writes committed to another file and read back, and the errors (no
    /// handle, a missing hive, bad handles, a relative commit path).
    func testHivexCallsMatchTheStockAppliance() throws {
        let f = try Fixture.get()
        let source = try WindowsDisk.path(f)
        let script = f.work + "/hivex.fish"
        try Self.hivexScript.write(toFile: script, atomically: true, encoding: .utf8)
        var outputs: [String] = []
        for stock in [false, true] {
            let disk = f.work + "/windows-\(stock ? "stock" : "ours").img"
            try? FileManager.default.removeItem(atPath: disk)
            try FileManager.default.copyItem(atPath: source, toPath: disk)
            let r = try f.runTool("guestfish -a \(disk) -f \(script)", stock: stock)
            XCTAssertEqual(r.status, 0, r.err)
            outputs.append(r.out + r.err)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertTrue(outputs[0].contains("Windows Server 2019 Datacenter\n"), outputs[0])
        XCTAssertTrue(outputs[0].contains("you must call 'hivex-open' first"), outputs[0])
        XCTAssertTrue(outputs[0].contains("hivex_node_add_child: failed: File exists"), outputs[0])
        XCTAssertTrue(outputs[0].contains("binary-data"), outputs[0])
    }

    /// Node and value handles are offsets in the hive, the same on both appliances: the
    /// root is 4128, Microsoft 8224, CurrentVersion 8448, its ProductName 8600, its
    /// CurrentMajorVersionNumber 8768; after the commit the new key Phony is 12320 and
    /// the value Owner 13024.
    static let hivexScript = """
        run
        -hivex-root
        -hivex-close
        mount /dev/sda2 /
        -hivex-open /Windows/System32/Config/NOPE
        hivex-open /Windows/System32/Config/SOFTWARE write:true
        hivex-root
        hivex-node-name 4128
        hivex-node-children 4128
        hivex-node-get-child 4128 microsoft
        hivex-node-get-child 4128 Nothing
        hivex-node-parent 8448
        -hivex-node-parent 4128
        -hivex-node-name 12345
        hivex-node-values 8448
        hivex-node-get-value 8448 productname
        hivex-node-get-value 8448 Missing
        hivex-value-key 8600
        hivex-value-type 8600
        hivex-value-string 8600
        hivex-value-utf8 8600
        hivex-value-value 8768
        hivex-value-type 8768
        -hivex-value-string 8768
        -hivex-value-key 99999
        hivex-node-add-child 8448 Phony
        -hivex-node-add-child 8448 Phony
        hivex-node-set-value 8448 Owner 3 "binary-data"
        -hivex-commit relative/path
        hivex-commit /Windows/System32/Config/SOFTWARE.copy
        hivex-close
        -hivex-close
        hivex-open /Windows/System32/Config/SOFTWARE.copy write:true
        hivex-node-children 8448
        hivex-node-get-child 8448 phony
        hivex-node-values 8448
        hivex-node-get-value 8448 Owner
        hivex-value-value 13024
        hivex-node-delete-child 12320
        -hivex-node-delete-child 4128
        hivex-commit ""
        hivex-open /Windows/System32/Config/SOFTWARE.copy
        hivex-node-children 8448
        umount-all
        -hivex-root

        """
}

/// A 64 MiB MBR disk (signature "1234") with two NTFS partitions, made once per test
/// run by the stock appliance as libguestfs's make-windows-img.sh makes its phony
/// guest: the second holds /Windows/System32 with cmd.exe (a PE32 program linked by
/// binutils) and the SOFTWARE and SYSTEM hives, which hivexregedit fills from the .reg
/// texts below. MountedDevices maps C: to the second partition and E: to the first by
/// signature and byte offset.
enum WindowsDisk {
    static let made = LockedPath()

    static func path(_ f: Fixture) throws -> String {
        if let p = made.get() { return p }
        let dir = f.work + "/windows"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try EmptyHive.bytes().write(to: URL(fileURLWithPath: dir + "/empty.hive"))
        try software.write(toFile: dir + "/software.reg", atomically: true, encoding: .utf8)
        try system.write(toFile: dir + "/system.reg", atomically: true, encoding: .utf8)
        let disk = f.work + "/windows.img"
        let script = """
            set -eu
            cd \(dir)
            cp empty.hive SOFTWARE
            hivexregedit --merge SOFTWARE --prefix 'HKEY_LOCAL_MACHINE\\SOFTWARE' software.reg
            cp empty.hive SYSTEM
            hivexregedit --merge SYSTEM --prefix 'HKEY_LOCAL_MACHINE\\SYSTEM' system.reg
            printf '.globl _start\\n_start:\\n\\tret\\n' > cmd.s
            as --32 -o cmd.o cmd.s
            ld -m i386pe -o cmd.exe cmd.o
            rm -f \(disk)
            guestfish -N \(disk)=disk:64M <<X
            part-init /dev/sda mbr
            part-add /dev/sda p 64 65535
            part-add /dev/sda p 65536 -64
            pwrite-device /dev/sda "1234" 0x01b8 | cat >/dev/null
            mkfs ntfs /dev/sda1
            mkfs ntfs /dev/sda2
            mount /dev/sda2 /
            mkdir-p /Windows/System32/Config
            mkdir-p /Windows/System32/Drivers/etc
            upload SOFTWARE /Windows/System32/Config/SOFTWARE
            upload SYSTEM /Windows/System32/Config/SYSTEM
            upload cmd.exe /Windows/System32/cmd.exe
            write /Windows/System32/Drivers/etc/hosts "127.0.0.1 localhost\\n"
            mkdir "/Program Files"
            touch /autoexec.bat
            X
            """
        let r = try Fixture.sh(script, environment: ["LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg",
                                                     "LIBGUESTFS_TMPDIR": f.work])
        guard r.status == 0 else { throw GuestImageError(reason: "the stock appliance could not build the Windows disk: \(r.err)") }
        made.set(disk)
        return disk
    }

    /// HKLM\SOFTWARE: the product, both version forms (the numbers win), the
    /// installation type.
    static let software = #"""
        Windows Registry Editor Version 5.00

        [HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft]

        [HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT]

        [HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]
        "ProductName"="Windows Server 2019 Datacenter"
        "CurrentVersion"="6.3"
        "CurrentMajorVersionNumber"=dword:0000000a
        "CurrentMinorVersionNumber"=dword:00000000
        "CurrentBuild"="17763"
        "InstallationType"="Server"
        "EditionID"="ServerDatacenter"
        "SystemRoot"="C:\\Windows"

        """#

    /// HKLM\SYSTEM: the current control set, its TCP/IP hostname (and a ComputerName,
    /// which inspection does not read), and MountedDevices: C: at byte 0x2000000 and E:
    /// at 0x8000 of the disk signed "1234", and a volume GUID entry that is no drive.
    static let system = #"""
        Windows Registry Editor Version 5.00

        [HKEY_LOCAL_MACHINE\SYSTEM\Select]
        "Current"=dword:00000001
        "Default"=dword:00000001

        [HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001]

        [HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control]

        [HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control\ComputerName]

        [HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control\ComputerName\ComputerName]
        "ComputerName"="PHONYWIN"

        [HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services]

        [HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip]

        [HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\Tcpip\Parameters]
        "Hostname"="phonywin"
        "Domain"="example.org"

        [HKEY_LOCAL_MACHINE\SYSTEM\MountedDevices]
        "\\DosDevices\\C:"=hex:31,32,33,34,00,00,00,02,00,00,00,00
        "\\DosDevices\\E:"=hex:31,32,33,34,00,80,00,00,00,00,00,00
        "\\??\\Volume{0d2a5d62-0000-0000-0000-100000000000}"=hex:31,32,33,34,00,00,00,02,00,00,00,00

        """#
}

/// The hive hivexregedit starts from: no tool makes an empty one, so it is written
/// here, as the registry file format lays it out: a 4 KiB "regf" base block (version
/// 1.3, root key at offset 0x20 of the bins, XOR checksum of its first 508 bytes) and
/// one 4 KiB "hbin" holding the root key, the security record it names and one free
/// cell.
enum EmptyHive {
    static func bytes() -> Data {
        var base = [UInt8](repeating: 0, count: 0x1000)
        var bin = [UInt8](repeating: 0, count: 0x1000)
        func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) { for i in 0 ..< 4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
        func put16(_ b: inout [UInt8], _ at: Int, _ v: UInt16) { for i in 0 ..< 2 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
        func ascii(_ b: inout [UInt8], _ at: Int, _ s: String) { for (i, c) in s.utf8.enumerated() { b[at + i] = c } }

        ascii(&bin, 0, "hbin")
        put32(&bin, 8, 0x1000)                        // this bin's size
        // The root key cell at 0x20: 0x50 bytes of record and its name, in a 0x60-byte cell.
        let nk = 0x20, sk = 0x80, name = "ROOT"
        put32(&bin, nk, UInt32(bitPattern: -0x60))     // a used cell: negative size
        ascii(&bin, nk + 4, "nk")
        put16(&bin, nk + 6, 0x2c)                      // root key, not deletable, ASCII name
        for at in [0x20, 0x24, 0x2c, 0x34] { put32(&bin, nk + at, 0xffff_ffff) }  // no subkeys, values, class
        put32(&bin, nk + 0x30, UInt32(sk))
        put16(&bin, nk + 0x4c, UInt16(name.utf8.count))
        ascii(&bin, nk + 0x50, name)
        // Its security cell: a list of one (itself), used once, with an empty
        // self-relative descriptor (revision 1, control SE_SELF_RELATIVE | SE_DACL_PRESENT).
        put32(&bin, sk, UInt32(bitPattern: -0x30))
        ascii(&bin, sk + 4, "sk")
        put32(&bin, sk + 8, UInt32(sk))
        put32(&bin, sk + 12, UInt32(sk))
        put32(&bin, sk + 16, 1)
        put32(&bin, sk + 20, 20)
        bin[sk + 24] = 1
        put16(&bin, sk + 26, 0x8004)
        put32(&bin, 0xb0, UInt32(0x1000 - 0xb0))       // the rest: one free cell

        ascii(&base, 0, "regf")
        for (at, v) in [(4, 1), (8, 1), (0x14, 1), (0x18, 3), (0x20, 1), (0x24, 0x20), (0x28, 0x1000), (0x2c, 1)] as [(Int, UInt32)] {
            put32(&base, at, v)
        }
        var sum: UInt32 = 0
        for at in stride(from: 0, to: 0x1fc, by: 4) {
            sum ^= UInt32(base[at]) | UInt32(base[at + 1]) << 8 | UInt32(base[at + 2]) << 16 | UInt32(base[at + 3]) << 24
        }
        put32(&base, 0x1fc, sum)
        return Data(base + bin)
    }
}
