import ApplianceKernelWords
import Glibc

/// What guestd was asked to do. As PID 1 its argv and environment are the kernel
/// command line's leftover words, so unknown words are ignored rather than refused.
struct Options {
    var isPID1: Bool
    var channelPath: String?
    var sysroot = "/sysroot"
    var quiet = false
    var verbose = false
    /// Host test mode only: recorded /sys and /dev trees for device enumeration.
    var sysfs = "/sys"
    var dev = "/dev"

    enum ParseError: Error, CustomStringConvertible {
        case missingValue(String)
        var description: String {
            switch self {
            case let .missingValue(flag): "\(flag) needs a value (usage: guestd [--channel PATH] [--sysroot DIR] [quiet] [verbose])"
            }
        }
    }

    static func parse(_ args: [String], isPID1: Bool) throws -> Options {
        var o = Options(isPID1: isPID1)
        var i = 0
        while i < args.count {
            let word = args[i]
            switch word {
            case "--channel", "--sysroot", "--sysfs", "--dev":
                guard i + 1 < args.count else { throw ParseError.missingValue(word) }
                switch word {
                case "--channel": o.channelPath = args[i + 1]
                case "--sysroot": o.sysroot = args[i + 1]
                case "--sysfs": o.sysfs = args[i + 1]
                default: o.dev = args[i + 1]
                }
                i += 1
            case KernelWords.Name.quiet: o.quiet = true
            case "verbose", KernelWords.Name.libguestfsVerbose, "--verbose", "-v": o.verbose = true
            default: break
            }
            i += 1
        }
        // The host-only flags would let a kernel command line point PID 1 elsewhere.
        if isPID1 {
            o.channelPath = nil
            o.sysroot = "/sysroot"
            (o.sysfs, o.dev) = ("/sys", "/dev")
        }
        if let v = getenv("guestfs_verbose"), String(cString: v) == "1" { o.verbose = true }
        return o
    }

    /// The kernel command line as PID 1 sees it: a second source for `quiet`/`verbose`
    /// in case init did not pass its argv on.
    mutating func merge(kernelWords words: KernelWords) {
        if words.quiet { quiet = true }
        if words.libguestfsVerbose { verbose = true }
    }
}
