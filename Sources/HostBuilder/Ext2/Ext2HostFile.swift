import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SystemCalls

/// A host file planned into the image: its size, the logical blocks that hold data (holes
/// are left out) and the identity it had when planned, checked again while it is copied.
struct Ext2HostFile {
    let path: String
    let size: UInt64
    /// Logical block ranges with data, ascending.
    let runs: [Range<UInt64>]
    let stamp: Stamp

    struct Stamp: Equatable {
        var dev: UInt64, ino: UInt64, size: Int64, mtimeSec: Int, mtimeNsec: Int
        init(_ st: stat) {
            dev = UInt64(st.st_dev); ino = UInt64(st.st_ino); size = Int64(st.st_size)
            mtimeSec = st.st_mtim.tv_sec; mtimeNsec = st.st_mtim.tv_nsec
        }
    }

    /// SEEK_DATA and SEEK_HOLE (Linux values; Glibc's module leaves them out, they are _GNU_SOURCE).
    static let seekData: Int32 = 3
    static let seekHole: Int32 = 4

    var blockCount: UInt64 { runs.reduce(0) { $0 + UInt64($1.count) } }
    var logicalBlocks: [UInt64] { runs.flatMap { Array($0) } }

    /// Stats the file and, only when it has fewer blocks than its size needs, asks the
    /// host filesystem for its data ranges (SEEK_DATA/SEEK_HOLE).
    init(path: String, blockSize: Int) throws {
        self.path = path
        var st = stat()
        guard stat(path, &st) == 0 else { throw BuildError.fromErrno("stat", path) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw BuildError.format(path: path, reason: "is not a regular file") }
        guard access(path, R_OK) == 0 else { throw BuildError.fromErrno("access", path) }
        size = UInt64(st.st_size)
        stamp = Stamp(st)
        let bs = UInt64(blockSize)
        let total = (size + bs - 1) / bs
        if Int64(st.st_blocks) * 512 >= Int64(st.st_size) || size == 0 {
            runs = total == 0 ? [] : [0..<total]
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BuildError.fromErrno("open", path) }
        defer { close(fd) }
        var found: [Range<UInt64>] = []
        var pos: off_t = 0
        while pos < off_t(size) {
            let data = lseek(fd, pos, Self.seekData)
            if data < 0 {
                if errno == ENXIO { break }
                if errno == EINVAL { found = [0..<total]; break }  // no hole support: all data
                throw BuildError.fromErrno("lseek", path)
            }
            var hole = lseek(fd, data, Self.seekHole)
            if hole < 0 { throw BuildError.fromErrno("lseek", path) }
            hole = min(hole, off_t(size))
            let range = UInt64(data) / bs ..< (UInt64(hole) + bs - 1) / bs
            if let last = found.last, last.upperBound >= range.lowerBound {
                found[found.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else if !range.isEmpty {
                found.append(range)
            }
            pos = hole
        }
        runs = found
    }

    /// Streams the data blocks to their `physical` blocks (one per logical block, in
    /// order), failing if the file is not the one planned or changes while it is read.
    func copy(to image: Ext2ImageFile, physical: [UInt32], blockSize bs: Int) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BuildError.fromErrno("open", path) }
        defer { close(fd) }
        try checkUnchanged(fd)
        let chunk = 256
        var buffer = [UInt8](repeating: 0, count: chunk * bs)
        var k = 0
        try buffer.withUnsafeMutableBytes { buf in
            for run in runs {
                var l = run.lowerBound
                while l < run.upperBound {
                    let n = Int(min(UInt64(chunk), run.upperBound - l))
                    let offset = l * UInt64(bs)
                    let want = Int(min(UInt64(n * bs), size - offset))
                    var got = 0
                    while got < want {
                        let r = retryingEINTR { pread(fd, buf.baseAddress! + got, want - got, off_t(offset) + off_t(got)) }
                        if r < 0 { throw BuildError.fromErrno("read", path) }
                        if r == 0 { throw changed() }
                        got += r
                    }
                    if want < n * bs { memset(buf.baseAddress! + want, 0, n * bs - want) }
                    // One write per physically contiguous stretch (indirect blocks break them).
                    var i = 0
                    while i < n {
                        var j = i + 1
                        while j < n, physical[k + j] == physical[k + j - 1] + 1 { j += 1 }
                        try image.write(UnsafeRawBufferPointer(rebasing: buf[(i * bs)..<(j * bs)]), block: Int(physical[k + i]))
                        i = j
                    }
                    k += n
                    l += UInt64(n)
                }
            }
        }
        try checkUnchanged(fd)
    }

    private func checkUnchanged(_ fd: Int32) throws {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw BuildError.fromErrno("fstat", path) }
        guard Stamp(st) == stamp else { throw changed() }
    }

    private func changed() -> BuildError {
        .format(path: path, reason: "changed while the image was being written")
    }
}
