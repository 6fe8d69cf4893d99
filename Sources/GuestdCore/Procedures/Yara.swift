import Glibc
import GuestProtocol

/// The libyara group (daemon/yara.c of libguestfs 1.48): yara_load takes rules, compiled
/// (yarac) or as source, which stay loaded until the next yara_load or yara_destroy;
/// internal_yara_scan scans one guest file with them and streams an XDR yara_detection
/// per matching rule, which the library's yara_scan decodes. libyara's own calls, so
/// matches, compile errors and accepted formats are its own.
extension Daemon {
    func doYaraLoad(fileIn: FileInReceiver?) throws(CallError) {
        var template = Array("/tmp/yaraXXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw CallError.perror("mkstemp", errno) }
        let path = String(nulTerminated: template)
        defer { unlink(path) }
        try receiveFile(into: fd, name: ByteString(path), fileIn: fileIn, stub: Procedure.yaraLoad.stub)
        try yara.load(path, console: console)
    }

    func doYaraDestroy() throws(CallError) {
        try yara.destroy()
    }

    /// The file is opened (inside the guest) before the reply; matches go out as the scan
    /// finds them; a failed scan cancels the transfer.
    func doInternalYaraScan(path: ByteString) throws(CallError) -> Answer {
        let rules = try yara.loaded()
        let fd: Int32
        do { fd = try sysroot.open(path, flags: O_RDONLY) } catch { throw CallError.perror(path, error.errno) }
        return .fileOut { stream in
            defer { close(fd) }
            try YaraRules.scan(rules, fd: fd, name: path, into: stream)
        }
    }
}

/// The daemon's rules: none until yara_load, libyara initialised at its first load.
final class YaraRules {
    private var rules: UnsafeMutableRawPointer?
    private var initialized = false

    func loaded() throws(CallError) -> UnsafeMutableRawPointer {
        guard let rules else { throw CallError("no yara rules loaded") }
        return rules
    }

    func destroy() throws(CallError) {
        let lib = try YaraLibrary.required()
        _ = lib.rulesDestroy(try loaded())
        rules = nil
    }

    /// The file's rules, as compiled rules, or else (not a compiled file) as source.
    /// Whatever was loaded before is gone either way.
    func load(_ path: String, console: Console) throws(CallError) {
        let lib = try YaraLibrary.required()
        if !initialized {
            guard lib.initialize() == YaraLibrary.success else { throw CallError("failed initializing yara") }
            initialized = true
        }
        if let old = rules {
            _ = lib.rulesDestroy(old)
            rules = nil
        }
        var loaded: UnsafeMutableRawPointer?
        let r = lib.rulesLoad(path, &loaded)
        switch r {
        case YaraLibrary.success: rules = loaded
        case YaraLibrary.invalidFile: rules = try compile(path, lib, console: console)
        // Compiled rules that libyara refuses (another version's, corrupt): the real
        // daemon sends no reply at all here, which leaves the library waiting.
        default: throw CallError("yr_rules_load: error \(r)")
        }
    }

    /// Source rules: compile errors go to the console, the caller gets their count.
    private func compile(_ path: String, _ lib: YaraLibrary, console: Console) throws(CallError) -> UnsafeMutableRawPointer {
        var compiler: UnsafeMutableRawPointer?
        guard lib.compilerCreate(&compiler) == YaraLibrary.success, let compiler else { throw CallError("yr_compiler_create") }
        defer { lib.compilerDestroy(compiler) }
        let log = Unmanaged.passRetained(CompileLog())
        defer { log.release() }
        lib.compilerSetCallback(compiler, { level, _, line, _, message, context in
            guard let context else { return }
            let text = message.map { String(cString: $0) } ?? ""
            Unmanaged<CompileLog>.fromOpaque(context).takeUnretainedValue().lines.append((level == 0, line, text))
        }, log.toOpaque())
        guard let file = fopen(path, "r") else { throw CallError("unable to open rules file") }
        defer { fclose(file) }
        let errors = lib.compilerAddFile(compiler, file, nil, nil)
        for (isError, line, text) in log.takeUnretainedValue().lines {
            if isError { console.info("Yara error (line \(line)): \(text)") } else { console.debug("Yara warning (line \(line)): \(text)") }
        }
        guard errors == 0 else { throw CallError("found \(errors) errors when compiling the rules") }
        var compiled: UnsafeMutableRawPointer?
        let r = lib.compilerGetRules(compiler, &compiled)
        if r == YaraLibrary.insufficientMemory { throw CallError.perror("yr_compiler_get_rules", ENOMEM) }
        guard r == YaraLibrary.success, let compiled else { throw CallError("yr_compiler_get_rules: error \(r)") }
        return compiled
    }

    private final class CompileLog {
        var lines: [(isError: Bool, line: Int32, text: String)] = []
    }

    /// What a scan's callback needs; the first failure to send stops the scan.
    private final class Scan {
        let stream: FileOutStream
        let name: ByteString
        var failure: (any Error)?
        init(stream: FileOutStream, name: ByteString) { (self.stream, self.name) = (stream, name) }
    }

    static func scan(_ rules: UnsafeMutableRawPointer, fd: Int32, name: ByteString, into stream: FileOutStream) throws {
        let lib = try YaraLibrary.required()
        let scan = Scan(stream: stream, name: name)
        let r = withExtendedLifetime(scan) {
            lib.rulesScanFd(rules, fd, 0, { _, message, data, context in
                guard message == YaraLibrary.ruleMatching, let data, let context else { return YaraLibrary.callbackContinue }
                let scan = Unmanaged<Scan>.fromOpaque(context).takeUnretainedValue()
                let identifier = data.load(fromByteOffset: YaraLibrary.ruleIdentifierOffset, as: UnsafePointer<CChar>?.self)
                let rule = identifier.map { ByteString(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? ""
                var e = XDREncoder()
                StructValue(.yaraDetection, [.string(scan.name), .string(rule)]).encode(into: &e)
                do { try scan.stream.write(e.bytes) } catch {
                    scan.failure = error
                    return YaraLibrary.callbackError
                }
                return YaraLibrary.callbackContinue
            }, Unmanaged.passUnretained(scan).toOpaque(), 0)
        }
        if let failure = scan.failure { throw failure }
        // The matches sent so far stay sent; the transfer ends cancelled, as the real
        // daemon's does (a file that cannot be mapped, a directory).
        guard r == YaraLibrary.success else { try stream.abort(); return }
        try stream.finish()
    }
}

/// libyara (Debian's libyara9, YARA 4.2), opened with dlopen at the first use; the
/// group "libyara" is available when it loads, as a daemon linked with it.
struct YaraLibrary {
    static let soname = "libyara.so.9"
    static let success: Int32 = 0, insufficientMemory: Int32 = 1, invalidFile: Int32 = 6
    static let ruleMatching: Int32 = 1  // CALLBACK_MSG_RULE_MATCHING
    static let callbackContinue: Int32 = 0, callbackError: Int32 = 2
    /// YR_RULE: two int32s, then the identifier (DECLARE_REFERENCE: 8 bytes, aligned).
    static let ruleIdentifierOffset = 8

    typealias CompilerCallback = @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafeRawPointer?, UnsafePointer<CChar>?,
                                                 UnsafeMutableRawPointer?) -> Void
    typealias ScanCallback = @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32

    let initialize: @convention(c) () -> Int32
    let rulesLoad: @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32
    let rulesDestroy: @convention(c) (UnsafeMutableRawPointer?) -> Int32
    let rulesScanFd: @convention(c) (UnsafeMutableRawPointer?, Int32, Int32, ScanCallback?, UnsafeMutableRawPointer?, Int32) -> Int32
    let compilerCreate: @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32
    let compilerDestroy: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let compilerSetCallback: @convention(c) (UnsafeMutableRawPointer?, CompilerCallback?, UnsafeMutableRawPointer?) -> Void
    let compilerAddFile: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<FILE>?, UnsafePointer<CChar>?,
                                         UnsafePointer<CChar>?) -> Int32
    let compilerGetRules: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32

    static func load() throws(SysError) -> YaraLibrary {
        let lib = try SharedLibrary(soname)
        return YaraLibrary(
            initialize: try lib.symbol("yr_initialize"), rulesLoad: try lib.symbol("yr_rules_load"),
            rulesDestroy: try lib.symbol("yr_rules_destroy"), rulesScanFd: try lib.symbol("yr_rules_scan_fd"),
            compilerCreate: try lib.symbol("yr_compiler_create"), compilerDestroy: try lib.symbol("yr_compiler_destroy"),
            compilerSetCallback: try lib.symbol("yr_compiler_set_callback"), compilerAddFile: try lib.symbol("yr_compiler_add_file"),
            compilerGetRules: try lib.symbol("yr_compiler_get_rules"))
    }

    static let library: YaraLibrary? = try? load()
    static var loads: Bool { library != nil }

    static func required() throws(CallError) -> YaraLibrary {
        guard let library else { throw Daemon.unavailable("libyara") }
        return library
    }
}
