// A failed system call's errno, carried by typed throws (Embedded Swift has no `any Error`).
import CInit

struct Errno: Error {
    let code: Int32

    /// Wraps the negative-errno convention of the CInit functions: `try Errno.check(r)`.
    @discardableResult
    @export(interface) static func check(_ result: Int32) throws(Errno) -> Int32 {
        if result < 0 { throw Errno(code: -result) }
        return result
    }

    @export(interface) static func check(_ result: Int) throws(Errno) -> Int {
        if result < 0 { throw Errno(code: Int32(-result)) }
        return result
    }

    /// "EINVAL (Invalid argument)", or "errno 123" for numbers libc does not know.
    var description: String {
        @export(interface) get {
            guard let name = cinit_errno_name(code) else { return "errno \(code)" }
            guard let text = cinit_errno_text(code) else { return String(cString: name) }
            return "\(String(cString: name)) (\(String(cString: text)))"
        }
    }
}
