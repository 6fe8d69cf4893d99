#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// Finds the shared libraries binaries need by reading their ELF headers, the way ld.so
/// would, without running anything (ldd executes the binary's loader).
public enum ElfNeeded {
    /// Absolute host paths of the interpreters and every library in the DT_NEEDED closure of
    /// `binaries` (host paths), not the binaries themselves. Libraries are looked up inside
    /// `sysroot` and returned with it prefixed. Order: per binary, its interpreter, then
    /// libraries breadth-first as ld.so loads them; no duplicates. Symlinks are kept as found.
    /// `dlopened`: sonames the first binary opens at run time, resolved as if it needed them.
    public static func closure(of binaries: [String], dlopened: [String] = [], sysroot: String = "/") throws -> [String] {
        var walker = try Walker(sysroot: sysroot)
        for (i, binary) in binaries.enumerated() { try walker.add(binary: binary, dlopened: i == 0 ? dlopened : []) }
        return walker.result
    }

    /// `path`, then each symlink target in turn, ending with the file that is not a link:
    /// everything a copy must reproduce for `path` to resolve. Links are followed one hop at a
    /// time and kept lexical (a directory symlink such as /lib → usr/lib is not expanded), so
    /// the names are those the loader uses. Stops early if a hop cannot be read or loops.
    public static func realpathChain(_ path: String) -> [String] {
        var chain = [path]
        var current = path
        var seen: Set<String> = [path]
        for _ in 0..<40 {  // ELOOP limit of the kernel
            guard let target = readLink(current) else { break }
            let joined = target.hasPrefix("/") ? target : dirname(current) + "/" + target
            let next = resolveDotDot(joined)
            guard seen.insert(next).inserted else { break }
            chain.append(next)
            current = next
        }
        return chain
    }

    // MARK: - Walking the closure

    private struct Walker {
        let sysroot: String
        /// ld.so.conf directories (ld.so.cache order), then the built-in defaults.
        let systemDirs: [String]
        var result: [String] = []
        var resolved: [String: String] = [:]  // soname → host path, as ld.so matches loaded objects
        var included: Set<String> = []

        init(sysroot: String) throws {
            self.sysroot = sysroot
            let defaults = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"]
            var dirs: [String] = []
            var seen: Set<String> = []
            for dir in ElfNeeded.ldSoConfDirs(sysroot: sysroot) + defaults where seen.insert(dir).inserted {
                dirs.append(dir)
            }
            systemDirs = dirs
        }

        var rootPrefix: String { sysroot == "/" || sysroot.isEmpty ? "" : ElfNeeded.normalize(sysroot) }

        /// In-sysroot path → host path.
        func host(_ path: String) -> String {
            rootPrefix.isEmpty ? path : ElfNeeded.normalize(rootPrefix + "/" + path)
        }

        /// Host path → in-sysroot path (unchanged if outside the sysroot).
        func guest(_ path: String) -> String {
            let prefix = rootPrefix
            guard !prefix.isEmpty, path.hasPrefix(prefix + "/") else { return path }
            return String(path.dropFirst(prefix.count))
        }

        mutating func add(binary: String, dlopened: [String] = []) throws {
            var exe = try ElfFile.parse(binary)
            exe.needed += dlopened
            // $ORIGIN of an executable is its real directory (ld.so takes it from /proc/self/exe).
            let exeOrigin = ElfNeeded.dirname(guest(ElfNeeded.realpath(binary) ?? binary))
            if let interp = exe.interpreter {
                let hostInterp = host(interp)
                let interpElf: ElfFile
                do {
                    interpElf = try ElfFile.parse(hostInterp)
                } catch BuildError.io(_, _, ENOENT) {
                    throw BuildError.notFound(what: "program interpreter \(hostInterp) of \(binary)",
                                              hint: "install the C library (libc6) for this architecture")
                }
                resolved[interpElf.soname ?? ElfNeeded.basename(interp)] = hostInterp
                include(hostInterp)
            }
            let exeRpath = exe.runpath.isEmpty ? exe.rpath.map { ElfNeeded.expand($0, origin: exeOrigin) } : []

            // Breadth-first like ld.so: (object, its in-sysroot directory, its needed list).
            var queue: [(ElfFile, String, String)] = [(exe, exeOrigin, binary)]
            var head = 0
            while head < queue.count {
                let (object, origin, objectPath) = queue[head]
                head += 1
                var searchDirs: [String] = []
                if object.runpath.isEmpty {
                    searchDirs += object.rpath.map { ElfNeeded.expand($0, origin: origin) }
                    searchDirs += exeRpath
                } else {
                    searchDirs += object.runpath.map { ElfNeeded.expand($0, origin: origin) }
                }
                for soname in object.needed {
                    if resolved[soname] != nil { continue }
                    let (guestPath, elf) = try find(soname, in: searchDirs, machine: exe.machine, neededBy: objectPath)
                    let hostPath = host(guestPath)
                    resolved[soname] = hostPath
                    if let own = elf.soname, resolved[own] == nil { resolved[own] = hostPath }
                    include(hostPath)
                    queue.append((elf, ElfNeeded.dirname(guestPath), hostPath))
                }
            }
        }

        private mutating func include(_ path: String) {
            if included.insert(path).inserted { result.append(path) }
        }

        /// The first candidate that is an ELF64 object for the binary's machine; ld.so skips
        /// others (e.g. i386 libraries in a multilib directory) the same way.
        private func find(_ soname: String, in extraDirs: [String], machine: UInt16, neededBy: String) throws -> (String, ElfFile) {
            let candidates = soname.contains("/") ? [soname] : (extraDirs + systemDirs).map { $0 + "/" + soname }
            for candidate in candidates {
                guard let elf = try? ElfFile.parse(host(candidate)), elf.machine == machine else { continue }
                return (ElfNeeded.normalize(candidate), elf)
            }
            throw BuildError.notFound(what: "shared library \(soname) needed by \(neededBy)",
                                      hint: "install the package that ships it or list its directory in \(host("/etc/ld.so.conf.d"))")
        }
    }

    // MARK: - ELF reading

    /// What the loader needs from one ELF64 little-endian object.
    struct ElfFile {
        var machine: UInt16 = 0
        var interpreter: String?
        var needed: [String] = []
        var rpath: [String] = []
        var runpath: [String] = []
        var soname: String?

        static func parse(_ path: String) throws -> ElfFile {
            let file = try ReadOnlyFile(path)
            let header = try file.read(at: 0, count: 64)
            guard header.count == 64, header[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]) else {
                throw BuildError.format(path: path, reason: "not an ELF file")
            }
            guard header[4] == 2, header[5] == 1 else {
                throw BuildError.format(path: path, reason: "not a 64-bit little-endian ELF file")
            }
            var elf = ElfFile()
            elf.machine = header.le16(0x12)
            let phoff = header.le64(0x20), entSize = Int(header.le16(0x36)), count = Int(header.le16(0x38))
            guard entSize >= 56, count < 4096 else { throw BuildError.format(path: path, reason: "bad program header table") }
            let table = try file.read(at: phoff, count: entSize * count)
            guard table.count == entSize * count else { throw BuildError.format(path: path, reason: "truncated program header table") }

            var loads: [(vaddr: UInt64, offset: UInt64, size: UInt64)] = []
            var dynamic: (offset: UInt64, size: UInt64)?
            for i in 0..<count {
                let at = i * entSize
                let type = table.le32(at), offset = table.le64(at + 8), vaddr = table.le64(at + 16), size = table.le64(at + 32)
                switch type {
                case 1: loads.append((vaddr, offset, size))  // PT_LOAD
                case 2: dynamic = (offset, size)  // PT_DYNAMIC
                case 3:  // PT_INTERP: a NUL-terminated path
                    let bytes = try file.read(at: offset, count: Int(min(size, 4096)))
                    elf.interpreter = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                default: break
                }
            }
            guard let dynamic else { return elf }  // static: needs nothing

            let entries = try file.read(at: dynamic.offset, count: Int(min(dynamic.size, 1 << 20)))
            var strtab: UInt64?, strsz: UInt64 = 0
            var refs: [(tag: UInt64, offset: Int)] = []
            var at = 0
            while at + 16 <= entries.count {
                let tag = entries.le64(at), value = entries.le64(at + 8)
                at += 16
                switch tag {
                case 0: at = entries.count  // DT_NULL
                case 5: strtab = value  // DT_STRTAB (an address)
                case 10: strsz = value  // DT_STRSZ
                case 1, 14, 15, 29: refs.append((tag, Int(truncatingIfNeeded: value)))  // NEEDED, SONAME, RPATH, RUNPATH
                default: break
                }
            }
            guard !refs.isEmpty else { return elf }
            guard let strtab, let segment = loads.first(where: { strtab >= $0.vaddr && strtab - $0.vaddr < $0.size }) else {
                throw BuildError.format(path: path, reason: "DT_STRTAB does not point into a loaded segment")
            }
            let strings = try file.read(at: segment.offset + (strtab - segment.vaddr), count: Int(min(strsz, 1 << 24)))
            func string(_ offset: Int) throws -> String {
                guard offset >= 0, offset < strings.count else {
                    throw BuildError.format(path: path, reason: "dynamic string offset \(offset) outside DT_STRTAB")
                }
                return String(decoding: strings[offset...].prefix { $0 != 0 }, as: UTF8.self)
            }
            for ref in refs {
                let value = try string(ref.offset)
                switch ref.tag {
                case 1: elf.needed.append(value)
                case 14: elf.soname = value
                case 15: elf.rpath += value.split(separator: ":").map(String.init)
                default: elf.runpath += value.split(separator: ":").map(String.init)
                }
            }
            return elf
        }
    }

    /// An fd read with pread, so only headers are read, not whole (possibly huge) libraries.
    private final class ReadOnlyFile {
        let fd: Int32
        let path: String
        init(_ path: String) throws {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            self.path = path
            if fd < 0 { throw BuildError.fromErrno("open", path) }
        }
        deinit { close(fd) }

        /// Up to `count` bytes at `offset`; fewer only at end of file.
        func read(at offset: UInt64, count: Int) throws -> [UInt8] {
            guard offset <= UInt64(Int64.max) else { return [] }
            do throws(Errno) { return try FileDescriptorIO.pread(fd, count: count, at: Int64(offset)) } catch {
                throw BuildError.io(call: "pread", path: path, errno: error.code)
            }
        }
    }

    // MARK: - Paths

    /// Directories named by ld.so.conf and its includes, in file order (the order ldconfig
    /// gives them priority in ld.so.cache).
    static func ldSoConfDirs(sysroot: String) -> [String] {
        let root = sysroot == "/" ? "" : sysroot
        var dirs: [String] = []
        var visited: Set<String> = []
        func parse(_ file: String, depth: Int) {
            guard depth < 8, visited.insert(file).inserted, let bytes = try? readHostFile(root + file) else { return }
            for rawLine in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" }) {
                var line = rawLine.prefix { $0 != "#" }
                while let c = line.first, c.isWhitespace { line.removeFirst() }
                while let c = line.last, c.isWhitespace { line.removeLast() }
                if line.isEmpty || line.hasPrefix("hwcap ") { continue }
                if line.hasPrefix("include") && line.dropFirst(7).first.map({ $0 == " " || $0 == "\t" }) == true {
                    for pattern in line.dropFirst(7).split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                        let absolute = pattern.hasPrefix("/") ? String(pattern) : dirname(file) + "/" + pattern
                        for match in glob(root + absolute) { parse(String(match.dropFirst(root.count)), depth: depth + 1) }
                    }
                } else {
                    // A line may hold several directories separated by blanks, colons or commas.
                    for dir in line.split(whereSeparator: { " \t:,".contains($0) }) where dir.hasPrefix("/") {
                        dirs.append(normalize(String(dir)))
                    }
                }
            }
        }
        parse("/etc/ld.so.conf", depth: 0)
        return dirs
    }

    private static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    static func expand(_ dir: String, origin: String) -> String {
        normalize(dir.replacing("${ORIGIN}", with: origin).replacing("$ORIGIN", with: origin))
    }

    /// Lexical normalization is wrong when ".." follows a directory symlink, so the part of
    /// the path up to the last ".." is resolved physically; the rest stays as written.
    static func resolveDotDot(_ path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let last = parts.lastIndex(of: ".."),
              let physical = realpath((path.hasPrefix("/") ? "/" : "") + parts[...last].joined(separator: "/")) else {
            return normalize(path)
        }
        return normalize(([physical] + parts[(last + 1)...].map(String.init)).joined(separator: "/"))
    }

    static func realpath(_ path: String) -> String? {
        guard let p = Glibc.realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    static func readLink(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buf, buf.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Collapses "//", "." and ".." lexically.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(_ path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }
}
