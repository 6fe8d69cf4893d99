import CCompression

/// The compressions a kernel payload or a module can use that we can undo. Shared by
/// `KernelPayload` (bzImage payloads) and `ModuleClosure.moduleBytes` (.ko.xz/.zst/.gz).
enum Codec: String, Sendable {
    case xz, zstd, gzip

    /// Identifies the codec by its magic; nil for anything else (lz4, bzip2, lzo, raw lzma).
    init?(magicOf bytes: ArraySlice<UInt8>) {
        func starts(_ magic: [UInt8]) -> Bool { bytes.starts(with: magic) }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { self = .xz }
        else if starts([0x28, 0xB5, 0x2F, 0xFD]) { self = .zstd }
        else if starts([0x1F, 0x8B]) { self = .gzip }
        else { return nil }
    }
}

enum Decompress {
    /// Decodes the first stream/frame of `input`; bytes after it are ignored, because the
    /// kernel build appends the uncompressed size (4 bytes) after the compressed payload.
    /// `sizeHint` only pre-sizes the output: nothing in the stream is trusted for size.
    static func decode(_ input: ArraySlice<UInt8>, codec: Codec, path: String, sizeHint: Int = 0) throws -> [UInt8] {
        var output = OutputBuffer(initial: sizeHint > 0 ? sizeHint : max(input.count * 4, 1 << 16))
        try input.withUnsafeBytes { raw in
            switch codec {
            case .xz: try xz(raw, into: &output, path: path)
            case .zstd: try zstd(raw, into: &output, path: path)
            case .gzip: try gzip(raw, into: &output, path: path)
            }
        }
        return output.finish()
    }

    /// A growable output area the decoders write into directly, so no chunk is copied twice.
    struct OutputBuffer {
        var bytes: [UInt8]
        var used = 0
        init(initial: Int) { bytes = [UInt8](repeating: 0, count: min(max(initial, 4096), 1 << 30)) }
        /// Ensures free space, then hands the decoder a pointer to it and records what it wrote.
        mutating func write(_ body: (UnsafeMutablePointer<UInt8>, Int) throws -> Int) rethrows {
            if used == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let start = used
            let written = try bytes.withUnsafeMutableBufferPointer { buf in
                try body(buf.baseAddress! + start, buf.count - start)
            }
            used += written
        }
        mutating func finish() -> [UInt8] {
            bytes.removeSubrange(used...)
            return bytes
        }
    }

    private static func xz(_ input: UnsafeRawBufferPointer, into output: inout OutputBuffer, path: String) throws {
        var strm = lzma_stream()
        // No LZMA_CONCATENATED: decoding stops at the end of the first stream, which is how
        // trailing bytes after it are allowed.
        let initStatus = lzma_stream_decoder(&strm, UInt64.max, 0)
        guard initStatus == LZMA_OK else {
            throw BuildError.decompress(path: path, codec: "xz", reason: "lzma_stream_decoder: \(lzmaMessage(initStatus))")
        }
        defer { lzma_end(&strm) }
        strm.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        strm.avail_in = input.count
        var status = LZMA_OK
        while status == LZMA_OK {
            output.write { out, room in
                strm.next_out = out
                strm.avail_out = room
                status = lzma_code(&strm, LZMA_FINISH)
                return room - strm.avail_out
            }
        }
        guard status == LZMA_STREAM_END else {
            throw BuildError.decompress(path: path, codec: "xz", reason: "lzma_code: \(lzmaMessage(status))")
        }
    }

    private static func lzmaMessage(_ status: lzma_ret) -> String {
        switch status {
        case LZMA_BUF_ERROR: return "input is truncated"
        case LZMA_DATA_ERROR: return "data is corrupt"
        case LZMA_FORMAT_ERROR: return "not an xz stream"
        case LZMA_OPTIONS_ERROR: return "unsupported stream options"
        case LZMA_MEM_ERROR: return "out of memory"
        case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check"
        default: return "liblzma error \(status.rawValue)"
        }
    }

    private static func zstd(_ input: UnsafeRawBufferPointer, into output: inout OutputBuffer, path: String) throws {
        guard let stream = ZSTD_createDStream() else {
            throw BuildError.decompress(path: path, codec: "zstd", reason: "ZSTD_createDStream: out of memory")
        }
        defer { ZSTD_freeDStream(stream) }
        var inBuf = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            var remaining = 0
            try output.write { out, room in
                var outBuf = ZSTD_outBuffer(dst: out, size: room, pos: 0)
                remaining = ZSTD_decompressStream(stream, &outBuf, &inBuf)
                if ZSTD_isError(remaining) != 0 {
                    throw BuildError.decompress(path: path, codec: "zstd",
                                                reason: "ZSTD_decompressStream: \(String(cString: ZSTD_getErrorName(remaining)))")
                }
                return outBuf.pos
            }
            // 0 means the frame is complete and fully flushed; stop so trailing bytes are not
            // taken for the start of another frame.
            if remaining == 0 { return }
            if inBuf.pos == inBuf.size && output.used < output.bytes.count {
                throw BuildError.decompress(path: path, codec: "zstd", reason: "input is truncated")
            }
        }
    }

    private static func gzip(_ input: UnsafeRawBufferPointer, into output: inout OutputBuffer, path: String) throws {
        var strm = z_stream()
        // inflateInit2 is a macro; 16 + MAX_WBITS selects the gzip wrapper.
        let initStatus = inflateInit2_(&strm, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw BuildError.decompress(path: path, codec: "gzip", reason: "inflateInit2: zlib error \(initStatus)")
        }
        defer { inflateEnd(&strm) }
        strm.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        // zlib counts in 32 bits; feed oversized input in slices.
        var fed = 0
        var status = Z_OK
        while status == Z_OK {
            if strm.avail_in == 0 && fed < input.count {
                let take = min(input.count - fed, Int(UInt32.max))
                strm.avail_in = UInt32(take)
                fed += take
            }
            output.write { out, room in
                let slice = min(room, Int(UInt32.max))
                strm.next_out = out
                strm.avail_out = UInt32(slice)
                status = inflate(&strm, Z_NO_FLUSH)
                return slice - Int(strm.avail_out)
            }
        }
        guard status == Z_STREAM_END else {
            let reason: String
            switch status {
            case Z_BUF_ERROR: reason = "input is truncated"
            case Z_DATA_ERROR: reason = "data is corrupt" + (strm.msg.map { ": " + String(cString: $0) } ?? "")
            case Z_MEM_ERROR: reason = "out of memory"
            default: reason = "zlib error \(status)"
            }
            throw BuildError.decompress(path: path, codec: "gzip", reason: "inflate: \(reason)")
        }
    }
}
