import Foundation
import GuestProtocol

/// Commands libguestfs implements on the library side, over the daemon's procedures.
extension Command {
    static let librarySide: [Command] = [
        Command(name: "ls", parameters: ["DIRECTORY"], summary: "list a directory, sorted") { s, a, out in
            lines(try s.ls(a[0]), out)
        },
        Command(name: "cat", parameters: ["PATH"], summary: "print a file (as guestfish: up to a NUL, then a newline)") { s, a, out in
            let bytes = try s.readFile(a[0])
            out(String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) + "\n")
        },
        Command(name: "read-file", parameters: ["PATH"], summary: "print a file's bytes as they are") { s, a, out in
            out(String(decoding: try s.readFile(a[0]), as: UTF8.self))
        },
        Command(name: "write", parameters: ["PATH", "CONTENT"], summary: "create or replace a file with CONTENT") { s, a, _ in
            try s.write(a[0], Array(a[1].utf8))
        },
        Command(name: "write-append", parameters: ["PATH", "CONTENT"], summary: "append CONTENT to a file") { s, a, _ in
            try s.writeAppend(a[0], Array(a[1].utf8))
        },
        Command(name: "find", parameters: ["DIRECTORY"], summary: "every path under a directory, sorted") { s, a, out in
            lines(try s.find(a[0]), out)
        },
        Command(name: "lstatnslist", parameters: ["PATH", "'NAME …'"], summary: "lstatns of names in one directory") { s, a, out in
            out(String(decoding: ReturnValue.structList(try s.lstatnslist(a[0], a[1].split(separator: " ").map(String.init))).fishOutput, as: UTF8.self))
        },
        Command(name: "readlinklist", parameters: ["PATH", "'NAME …'"], summary: "readlink of names in one directory") { s, a, out in
            lines(try s.readlinklist(a[0], a[1].split(separator: " ").map(String.init)), out)
        },
        Command(name: "canonical-device-name", parameters: ["DEVICE"], summary: "/dev/vda1, /dev/hda1 → /dev/sda1") { _, a, out in
            out(Session.canonicalDeviceName(a[0]) + "\n")
        },
    ]
}
