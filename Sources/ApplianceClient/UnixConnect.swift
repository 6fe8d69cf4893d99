import Foundation

/// The connecting end of a unix stream socket, for clients of `appliance launch`.
enum UnixSocket {
    static func connect(_ path: String) throws -> Int32 {
        try unixStreamSocket(path, call: "connect") { Glibc.connect($0, $1, $2) }
    }
}
