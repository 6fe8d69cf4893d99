/// Procedures that run the host tools HostBuilder copies into the root (tar, mke2fs,
/// mkfs.*, e2fsck, tune2fs, parted, df), with libguestfs 1.48's numbers and optional
/// arguments (1.48's tar_in has no keepdirlink, its e2fsck no forceno).
extension Procedure {
    public static let tarIn = Procedure("tar_in", 69, [.fileIn, .pathname], .none, optionals: [
        OptionalArgument("compress", .string), OptionalArgument("xattrs", .bool),
        OptionalArgument("selinux", .bool), OptionalArgument("acls", .bool),
    ])
    public static let tarOut = Procedure("tar_out", 70, [.string, .fileOut], .none, optionals: [
        OptionalArgument("compress", .string), OptionalArgument("numericowner", .bool),
        OptionalArgument("excludes", .stringList), OptionalArgument("xattrs", .bool),
        OptionalArgument("selinux", .bool), OptionalArgument("acls", .bool),
    ])
    public static let tgzIn = Procedure("tgz_in", 71, [.fileIn, .pathname], .none)
    public static let tgzOut = Procedure("tgz_out", 72, [.pathname, .fileOut], .none)
    public static let txzIn = Procedure("txz_in", 229, [.fileIn, .pathname], .none)
    public static let txzOut = Procedure("txz_out", 230, [.pathname, .fileOut], .none)

    public static let mkfs = Procedure("mkfs", 278, [.string, .device], .none, optionals: [
        OptionalArgument("blocksize", .int), OptionalArgument("features", .string), OptionalArgument("inode", .int),
        OptionalArgument("sectorsize", .int), OptionalArgument("label", .string),
    ])
    public static let e2fsck = Procedure("e2fsck", 304, [.device], .none, optionals: [
        OptionalArgument("correct", .bool), OptionalArgument("forceall", .bool),
    ])
    public static let e2fsckF = Procedure("e2fsck_f", 108, [.device], .none)
    public static let fsck = Procedure("fsck", 84, [.string, .device], .int, hexOutput: true)
    public static let tune2fsL = Procedure("tune2fs_l", 55, [.device], .hashtable)
    public static let wipefs = Procedure("wipefs", 306, [.device], .none)
    public static let df = Procedure("df", 125, [], .string)
    public static let dfH = Procedure("df_h", 126, [], .string)

    public static let partInit = Procedure("part_init", 208, [.device, .string], .none)
    public static let partAdd = Procedure("part_add", 209, [.device, .string, .int64, .int64], .none)
    public static let partDisk = Procedure("part_disk", 210, [.device, .string], .none)
    public static let partDel = Procedure("part_del", 233, [.device, .int], .none)

    static let tools: [Procedure] = [
        tarIn, tarOut, tgzIn, tgzOut, txzIn, txzOut, mkfs, e2fsck, e2fsckF, fsck, tune2fsL, wipefs, df, dfH, partInit, partAdd, partDisk, partDel,
    ]
}
