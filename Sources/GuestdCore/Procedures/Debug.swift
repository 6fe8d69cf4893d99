import Glibc
import GuestProtocol

/// `debug` (daemon/debug.c): the internals libguestfs's own regression tests poke at.
/// Only the subcommands that test the daemon's and the host's failure paths: a crash
/// (segv), a call that runs as long as asked (sh), a long error (error), console
/// output (print, spew), the environment (env), progress messages (progress), the
/// appliance's programs (binaries) and their libraries (ldd).
extension Daemon {
    func doDebug(subcmd: ByteString, extraargs: [ByteString]) throws(CallError) -> ByteString {
        let args = extraargs, words = args.map(\.description)
        switch subcmd.description.lowercased() {
        case "help":
            return "Commands supported: help binaries env error ldd print progress segv sh spew"
        case "binaries":
            return Daemon.nonPIEExecutables()
        case "ldd":
            guard args.count == 1 else { throw CallError("ldd: no file argument") }
            // ldd -r's own steps, as the root has the loader but not the ldd script (which
            // needs bash): --verify refuses what the loader cannot run (a static program, a
            // text file), then the loader traces with every symbol bound. Its stdout and
            // stderr are the answer: missing libraries and symbols show there, not in a status.
            let loader: ByteString = "/lib64/ld-linux-x86-64.so.2"
            guard try Subprocess.appliance([loader, "--verify", args[0]]).status != 1 else {
                throw CallError("ldd: \(args[0]): \tnot a dynamic executable")
            }
            let r = try Subprocess.appliance(["env", "LD_TRACE_LOADED_OBJECTS=1", "LD_WARN=yes", "LD_BIND_NOW=yes", loader, args[0]])
            guard r.succeeded else { throw CallError("ldd: \(args[0]): \(ByteString(r.err))") }
            return ByteString(r.out + r.err)
        case "progress":
            try debugProgress(words)
            return "ok"
        case "env":
            var lines: [UInt8] = []
            var p = environ
            while let entry = p.pointee { lines += ByteString(cString: entry).bytes + [UInt8(ascii: "\n")]; p += 1 }
            return ByteString(lines)
        case "error":
            guard args.count == 1, let n = UInt32(words[0]) else {
                throw CallError("debug error: expecting one arg: length of error message")
            }
            guard n <= 1_000_000 else { throw CallError("debug error: length argument too large") }
            // EROFS marks the true return path, as in the real daemon's regression test.
            throw CallError(ByteString(String(repeating: "a", count: Int(n))), errno: EROFS)
        case "print":
            Console.write(words.joined(separator: " "))
            return "ok"
        case "spew":
            guard args.count == 1 else { throw CallError("spew: expecting number of lines <n>") }
            guard let n = Int(words[0]), n >= 0 else { throw CallError("spew: could not parse number of lines '\(args[0])'") }
            for _ in 0..<n { Console.write("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890123456789") }
            return "ok"
        case "segv":
            // A real fault, not a signal sent to ourselves: the kernel ignores those
            // for PID 1, but a fault ends it (and the appliance panics and powers off).
            UnsafeMutablePointer<Int32>(bitPattern: UInt(faultAddress))!.pointee = 0
            return ""
        case "sh":
            guard !args.isEmpty else { throw CallError("sh: expecting a command to run") }
            setenv("root", options.sysroot, 1)
            let r = try Subprocess.appliance(["/bin/sh", "-c", Subprocess.commandLine(args)], foldStdout: true)
            guard r.succeeded else { throw CallError(Subprocess.errorText(r)) }
            return ByteString(r.err)
        default:
            throw CallError("use 'debug help 0' to list the supported commands")
        }
    }


    /// An address no page is ever mapped at (the zero page); a stored property so that
    /// the optimiser cannot prove the store traps and drop the code after it.
    var faultAddress: Int { 8 }
}
