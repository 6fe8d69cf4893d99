import Foundation
import GuestProtocol

/// Commands libguestfs implements on the library side, over the daemon's procedures,
/// and the transfers with their host-side file names ("-" is stdout for download).
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
        Command(name: "upload", parameters: ["FILENAME", "REMOTEFILENAME"], summary: "copy a host file into the guest") { s, a, _ in
            if a[0] == "-" { try s.upload(bytes: Array(FileHandle.standardInput.readDataToEndOfFile()), to: a[1]) }
            else { try s.upload(from: a[0], to: a[1]) }
        },
        Command(name: "download", parameters: ["REMOTEFILENAME", "FILENAME"], summary: "copy a guest file or device to the host (- for stdout)") { s, a, out in
            try s.download(a[0], toHost: a[1], out)
        },
        Command(name: "upload-offset", parameters: ["FILENAME", "REMOTEFILENAME", "OFFSET"], summary: "copy a host file into the guest at an offset") { s, a, _ in
            guard let offset = Command.parseInteger(a[2]) else { throw ClientError.usage("\(a[2]): invalid integer parameter") }
            try s.uploadOffset(from: a[0], to: a[1], offset: offset)
        },
        Command(name: "download-offset", parameters: ["REMOTEFILENAME", "FILENAME", "OFFSET", "SIZE"], summary: "copy part of a guest file to the host (- for stdout)") { s, a, out in
            guard let offset = Command.parseInteger(a[2]), let size = Command.parseInteger(a[3]) else { throw ClientError.usage("invalid integer parameter") }
            try s.fileOut(.downloadOffset, { $0.string(a[0]); $0.i64(offset); $0.i64(size) }, toHost: a[1], out)
        },
        Command(name: "base64-in", parameters: ["BASE64FILE", "FILENAME"], summary: "decode a host base64 file into a guest file") { s, a, _ in
            try s.uploadFile(.base64In, from: a[0]) { $0.string(a[1]) }
        },
        Command(name: "base64-out", parameters: ["FILENAME", "BASE64FILE"], summary: "a guest file base64-encoded to the host (- for stdout)") { s, a, out in
            try s.fileOut(.base64Out, { $0.string(a[0]) }, toHost: a[1], out)
        },
        Command(name: "tar-in", parameters: ["TARFILE", "DIRECTORY"], optionals: Procedure.tarIn.optionals.map(\.name),
                summary: "unpack a host tar file (- for stdin) into a guest directory") { s, a, _ in
            try s.tarIn(from: a[0], to: a[1], optionals: try Command.optionals(.tarIn, Array(a.dropFirst(2))))
        },
        Command(name: "tar-out", parameters: ["DIRECTORY", "TARFILE"], optionals: Procedure.tarOut.optionals.map(\.name),
                summary: "pack a guest directory into a host tar file (- for stdout)") { s, a, out in
            let (mask, encode) = Procedure.tarOut.encodeOptionals(try Command.optionals(.tarOut, Array(a.dropFirst(2))))
            try s.fileOut(.tarOut, optargs: mask, { $0.string(a[0]); encode(&$0) }, toHost: a[1], out)
        },
        Command(name: "tgz-in", parameters: ["TARBALL", "DIRECTORY"], summary: "unpack a host .tar.gz into a guest directory") { s, a, _ in
            try s.uploadFile(.tgzIn, from: a[0]) { $0.string(a[1]) }
        },
        Command(name: "tgz-out", parameters: ["DIRECTORY", "TARBALL"], summary: "pack a guest directory into a host .tar.gz (- for stdout)") { s, a, out in
            try s.fileOut(.tgzOut, { $0.string(a[0]) }, toHost: a[1], out)
        },
    ]
}
