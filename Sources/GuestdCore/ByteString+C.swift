import Glibc
import GuestProtocol

/// Guest names reach system calls as their own bytes and come back from them the same
/// way: nothing between the call and the wire decodes them.
extension ByteString {
    /// NUL-terminated, for a `const char *` parameter (Swift passes an array as a
    /// pointer to its elements). Names hold no NUL: the XDR decoder refuses one.
    var cString: [CChar] { bytes.map { CChar(bitPattern: $0) } + [0] }

    /// The bytes of a C string up to its NUL (an environ entry …).
    init(cString: UnsafePointer<CChar>) {
        self.init(UnsafeBufferPointer(start: cString, count: strlen(cString)).map { UInt8(bitPattern: $0) })
    }
}
