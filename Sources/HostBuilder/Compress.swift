import CCompression

enum Compress {
    /// One zstd frame. The kernel unpacks a zstd initramfs itself, and under TCG reading
    /// 1.4 MiB through the firmware and unpacking it is no slower than reading 5.6 MiB.
    static func zstd(_ input: [UInt8], level: Int32, path: String) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let written = input.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                ZSTD_compress(dst.baseAddress, dst.count, src.baseAddress, src.count, level)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw BuildError.format(path: path, reason: "ZSTD_compress: \(String(cString: ZSTD_getErrorName(written)))")
        }
        output.removeSubrange(written...)
        return output
    }
}
