import Glibc
import GuestProtocol

/// The libtsk group (daemon/tsk.c of libguestfs 1.48): internal_filesystem_walk and
/// internal_find_inode walk an unmounted filesystem with the Sleuth Kit's library and
/// send each entry as an XDR tsk_dirent in a FileOut stream, which the library's
/// filesystem_walk and find_inode decode. Entries go to the stream as the walk meets
/// them (a large filesystem's walk is never held whole). libtsk is opened with dlopen
/// at the first call; the group is available where it loads.
extension Daemon {
    func doInternalFilesystemWalk(device: String) throws(CallError) -> Answer {
        try TSK.walk(Mountable(device).device, only: nil)
    }

    func doInternalFindInode(device: String, inode: Int64) throws(CallError) -> Answer {
        try TSK.walk(Mountable(device).device, only: UInt64(bitPattern: inode))
    }
}

enum TSK {
    /// Debian 12's libtsk (The Sleuth Kit 4.11): the offsets below are its ABI.
    static let soname = "libtsk.so.19"

    struct Library {
        let imgOpen: @convention(c) (Int32, UnsafePointer<UnsafePointer<CChar>?>?, Int32, UInt32) -> UnsafeMutableRawPointer?
        let fsOpenImg: @convention(c) (UnsafeMutableRawPointer?, Int64, Int32) -> UnsafeMutableRawPointer?
        let dirWalk: @convention(c) (UnsafeMutableRawPointer?, UInt64, Int32, WalkCallback?, UnsafeMutableRawPointer?) -> UInt8
        let fsClose: @convention(c) (UnsafeMutableRawPointer?) -> Void
        let imgClose: @convention(c) (UnsafeMutableRawPointer?) -> Void
        let errorErrno: @convention(c) () -> UInt32
        let errorText: @convention(c) () -> UnsafePointer<CChar>?

        static func load() throws(SysError) -> Library {
            let lib = try SharedLibrary(TSK.soname)
            return Library(imgOpen: try lib.symbol("tsk_img_open"), fsOpenImg: try lib.symbol("tsk_fs_open_img"),
                           dirWalk: try lib.symbol("tsk_fs_dir_walk"), fsClose: try lib.symbol("tsk_fs_close"),
                           imgClose: try lib.symbol("tsk_img_close"), errorErrno: try lib.symbol("tsk_error_get_errno"),
                           errorText: try lib.symbol("tsk_error_get"))
        }
    }

    typealias WalkCallback = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Int32

    static let library: Library? = try? Library.load()
    static var loads: Bool { library != nil }

    // TSK_FS_DIR_WALK_FLAG_ALLOC | _UNALLOC | _RECURSE | _NOORPHAN, as the real daemon walks.
    static let walkFlags: Int32 = 1 | 2 | 4 | 8
    static let walkContinue: Int32 = 0, walkError: Int32 = 2

    // Field offsets of TSK_FS_FILE, TSK_FS_NAME, TSK_FS_META and TSK_FS_INFO (x86_64).
    enum Offset {
        static let fileName = 8, fileMeta = 16, fileFS = 24
        static let nameName = 8, nameMetaAddr = 40, nameType = 80, nameFlags = 84
        static let metaFlags = 4, metaNlink = 24, metaSize = 32
        static let metaMtime = 48, metaAtime = 64, metaCtime = 80, metaCrtime = 96, metaLink = 248
        static let fsRootInum = 32
    }

    /// What the walk's callback needs: the stream, the inode asked for, and the first
    /// failure to send (the C callback cannot throw; the walk stops on it).
    final class Walk {
        let stream: FileOutStream
        let only: UInt64?
        var failure: (any Error)?
        init(stream: FileOutStream, only: UInt64?) { (self.stream, self.only) = (stream, only) }
    }

    static func walk(_ device: String, only: UInt64?) throws(CallError) -> Answer {
        guard let lib = library else { throw Daemon.unavailable("libtsk") }
        let img: UnsafeMutableRawPointer? = device.withCString { name in
            var images: [UnsafePointer<CChar>?] = [name]
            return lib.imgOpen(1, &images, 0, 0)
        }
        guard let img else { throw error(lib, "tsk_image_open") }
        guard let fs = lib.fsOpenImg(img, 0, 0) else {
            let e = error(lib, "tsk_fs_open_img")
            lib.imgClose(img)
            throw e
        }
        return .fileOut { stream in
            defer { lib.fsClose(fs); lib.imgClose(img) }
            let walk = Walk(stream: stream, only: only)
            let root = fs.load(fromByteOffset: Offset.fsRootInum, as: UInt64.self)
            let status = lib.dirWalk(fs, root, walkFlags, { file, path, context in
                guard let file, let context else { return TSK.walkError }
                let w = Unmanaged<Walk>.fromOpaque(context).takeUnretainedValue()
                guard let entry = TSK.entry(file, path, only: w.only) else { return TSK.walkContinue }
                var e = XDREncoder()
                entry.encode(into: &e)
                do { try w.stream.write(e.bytes) } catch {
                    w.failure = error
                    return TSK.walkError
                }
                return TSK.walkContinue
            }, Unmanaged.passUnretained(walk).toOpaque())
            if let failure = walk.failure { throw failure }
            // The entries sent so far stay sent; the transfer ends cancelled, as the real
            // daemon's does.
            guard status == 0 else { try stream.abort(); return }
            try stream.finish()
        }
    }

    /// reply_with_tsk_error: the library's own text, or "unknown error".
    static func error(_ lib: Library, _ function: String) -> CallError {
        guard lib.errorErrno() != 0, let text = lib.errorText() else { return CallError("\(function): unknown error") }
        return CallError(ByteString("\(function): ") + ByteString(Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))))
    }

    /// One entry as tsk_dirent, unless it is "." or ".." of a directory other than the root's
    /// own ".", or (find_inode) another inode's.
    static func entry(_ file: UnsafeMutableRawPointer, _ path: UnsafePointer<CChar>?, only: UInt64?) -> StructValue? {
        guard let name = file.load(fromByteOffset: Offset.fileName, as: UnsafeMutableRawPointer?.self) else { return nil }
        let metaAddr = name.load(fromByteOffset: Offset.nameMetaAddr, as: UInt64.self)
        if let only, only != metaAddr { return nil }
        let leaf = bytes(name.load(fromByteOffset: Offset.nameName, as: UnsafePointer<CChar>?.self))
        if leaf == [0x2E] || leaf == [0x2E, 0x2E] {
            let fs = file.load(fromByteOffset: Offset.fileFS, as: UnsafeMutableRawPointer?.self)
            let root = fs?.load(fromByteOffset: Offset.fsRootInum, as: UInt64.self)
            guard root == metaAddr, leaf == [0x2E] else { return nil }
        }
        let nameType = name.load(fromByteOffset: Offset.nameType, as: UInt32.self)
        let nameFlags = name.load(fromByteOffset: Offset.nameFlags, as: UInt32.self)
        let meta = file.load(fromByteOffset: Offset.fileMeta, as: UnsafeMutableRawPointer?.self)
        let metaFlags = meta?.load(fromByteOffset: Offset.metaFlags, as: UInt32.self) ?? 0

        // DIRENT_UNALLOC 0, _ALLOC 1, _REALLOC 2, _COMPRESSED 4 (TSK_FS_NAME_FLAG_UNALLOC 2,
        // TSK_FS_META_FLAG_ALLOC 1, _COMP 16).
        var flags: UInt32 = 0
        if nameFlags & 2 != 0 {
            if meta != nil, metaFlags & 1 != 0 { flags |= 2 }
        } else {
            flags |= 1
        }
        if meta != nil, metaFlags & 16 != 0 { flags |= 4 }

        var values: [FieldValue] = [
            .int(Int64(bitPattern: metaAddr)), .int(Int64(typeLetter(nameType))),
            .int(meta.map { $0.load(fromByteOffset: Offset.metaSize, as: Int64.self) } ?? -1),
            .string(ByteString(bytes(path) + leaf)), .int(Int64(flags)),
        ]
        for offset in [Offset.metaAtime, Offset.metaMtime, Offset.metaCtime, Offset.metaCrtime] {
            values.append(.int(meta.map { $0.load(fromByteOffset: offset, as: Int64.self) } ?? 0))
            values.append(.int(meta.map { Int64($0.load(fromByteOffset: offset + 8, as: UInt32.self)) } ?? 0))
        }
        values.append(.int(meta.map { Int64($0.load(fromByteOffset: Offset.metaNlink, as: Int32.self)) } ?? 0))
        values.append(.string(ByteString(bytes(meta?.load(fromByteOffset: Offset.metaLink, as: UnsafePointer<CChar>?.self)))))
        values.append(.int(0))
        return StructValue(.tskDirent, values)
    }

    /// TSK_FS_NAME_TYPE_* as the real daemon's letters (its virtual entries are 'u').
    static func typeLetter(_ type: UInt32) -> UInt8 {
        let letters: [Character] = ["u", "f", "c", "d", "b", "r", "l", "s", "h", "w", "u", "u"]
        return Int(type) < letters.count ? letters[Int(type)].asciiValue! : UInt8(ascii: "u")
    }

    static func bytes(_ p: UnsafePointer<CChar>?) -> [UInt8] {
        guard let p else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
    }
}
