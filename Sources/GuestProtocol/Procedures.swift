/// The procedures guestd serves, with libguestfs 1.48's numbers and argument types
/// (generator/actions_*.ml, generator/proc_nr.ml). Calls the library implements on its
/// own side (cat, read_file, write, find, lstatnslist, canonical_device_name …) are not
/// here: the client builds them from these.
extension Procedure {
    // Devices and partitions.
    public static let listDevices = Procedure("list_devices", 7, [], .stringList)
    public static let listPartitions = Procedure("list_partitions", 8, [], .stringList)
    public static let listFilesystems = Procedure("list_filesystems", 476, [], .hashtable)
    public static let blockdevGetss = Procedure("blockdev_getss", 59, [.device], .int)
    public static let blockdevGetsize64 = Procedure("blockdev_getsize64", 63, [.device], .int64)
    public static let partToDev = Procedure("part_to_dev", 272, [.device], .string)
    public static let partToPartnum = Procedure("part_to_partnum", 293, [.device], .int)
    public static let partList = Procedure("part_list", 213, [.device], .structList(.partition))
    public static let partGetParttype = Procedure("part_get_parttype", 214, [.device], .string)
    public static let partGetMbrID = Procedure("part_get_mbr_id", 235, [.device, .int], .int, hexOutput: true)
    public static let zero = Procedure("zero", 85, [.device], .none)

    // Probing.
    public static let vfsType = Procedure("vfs_type", 198, [.mountable], .string)
    public static let vfsLabel = Procedure("vfs_label", 253, [.mountable], .string)
    public static let vfsUUID = Procedure("vfs_uuid", 254, [.mountable], .string)
    public static let blkid = Procedure("blkid", 303, [.device], .hashtable)

    // Mounting.
    public static let mount = Procedure("mount", 1, [.mountable, .string], .none)
    public static let mountRO = Procedure("mount_ro", 73, [.mountable, .string], .none)
    public static let mountOptions = Procedure("mount_options", 74, [.string, .mountable, .string], .none)
    public static let umount = Procedure("umount", 45, [.devOrPath], .none,
                                         optionals: [OptionalArgument("force", .bool), OptionalArgument("lazyunmount", .bool)])
    public static let umountAll = Procedure("umount_all", 47, [], .none)
    public static let mounts = Procedure("mounts", 46, [], .stringList)
    public static let mountpoints = Procedure("mountpoints", 147, [], .hashtable)

    // Transfers.
    public static let upload = Procedure("upload", 66, [.fileIn, .devOrPath], .none)
    public static let download = Procedure("download", 67, [.devOrPath, .fileOut], .none)
    public static let ls0 = Procedure("ls0", 347, [.pathname, .fileOut], .none)
    public static let find0 = Procedure("find0", 196, [.pathname, .fileOut], .none)

    // Files.
    public static let touch = Procedure("touch", 3, [.pathname], .none)
    public static let rm = Procedure("rm", 29, [.pathname], .none)
    public static let chmod = Procedure("chmod", 34, [.int, .pathname], .none)
    public static let chown = Procedure("chown", 35, [.int, .int, .pathname], .none)
    public static let pread = Procedure("pread", 207, [.pathname, .int, .int64], .buffer)
    public static let internalWrite = Procedure("internal_write", 246, [.pathname, .buffer], .none)
    public static let internalWriteAppend = Procedure("internal_write_append", 290, [.pathname, .buffer], .none)
    public static let pwrite = Procedure("pwrite", 247, [.pathname, .buffer, .int64], .int)
    public static let filesize = Procedure("filesize", 218, [.pathname], .int64)
    public static let fill = Procedure("fill", 215, [.int, .int, .pathname], .none)
    public static let headN = Procedure("head_n", 122, [.int, .pathname], .stringList)
    public static let tailN = Procedure("tail_n", 124, [.int, .pathname], .stringList)
    public static let checksum = Procedure("checksum", 68, [.string, .pathname], .string)
    public static let cp = Procedure("cp", 87, [.pathname, .pathname], .none)
    public static let cpA = Procedure("cp_a", 88, [.pathname, .pathname], .none)
    public static let mv = Procedure("mv", 89, [.pathname, .pathname], .none)
    public static let rename = Procedure("rename", 394, [.pathname, .pathname], .none)
    public static let lnS = Procedure("ln_s", 166, [.string, .pathname], .none)
    public static let readlink = Procedure("readlink", 168, [.pathname], .string)
    public static let internalReadlinklist = Procedure("internal_readlinklist", 206, [.pathname, .filenameList], .stringList)

    public static let head = Procedure("head", 121, [.pathname], .stringList)
    public static let tail = Procedure("tail", 123, [.pathname], .stringList)
    public static let wcL = Procedure("wc_l", 118, [.pathname], .int)
    public static let wcW = Procedure("wc_w", 119, [.pathname], .int)
    public static let wcC = Procedure("wc_c", 120, [.pathname], .int)
    public static let truncate = Procedure("truncate", 199, [.pathname], .none)
    public static let truncateSize = Procedure("truncate_size", 200, [.pathname, .int64], .none)
    public static let utimens = Procedure("utimens", 201, [.pathname, .int64, .int64, .int64, .int64], .none)
    public static let lchown = Procedure("lchown", 203, [.int, .int, .pathname], .none)
    public static let ln = Procedure("ln", 164, [.string, .pathname], .none)
    public static let lnF = Procedure("ln_f", 165, [.string, .pathname], .none)
    public static let lnSF = Procedure("ln_sf", 167, [.string, .pathname], .none)
    public static let rmF = Procedure("rm_f", 367, [.pathname], .none)
    public static let mknod = Procedure("mknod", 133, [.int, .int, .int, .pathname], .none)
    public static let mkfifo = Procedure("mkfifo", 134, [.int, .pathname], .none)
    public static let mknodB = Procedure("mknod_b", 135, [.int, .int, .int, .pathname], .none)
    public static let mknodC = Procedure("mknod_c", 136, [.int, .int, .int, .pathname], .none)
    public static let isZero = Procedure("is_zero", 283, [.pathname], .bool)
    public static let realpath = Procedure("realpath", 163, [.pathname], .string)
    public static let uploadOffset = Procedure("upload_offset", 273, [.fileIn, .devOrPath, .int64], .none)
    public static let downloadOffset = Procedure("download_offset", 274, [.devOrPath, .fileOut, .int64, .int64], .none)
    public static let base64In = Procedure("base64_in", 242, [.fileIn, .pathname], .none)
    public static let base64Out = Procedure("base64_out", 243, [.pathname, .fileOut], .none)
    public static let du = Procedure("du", 127, [.pathname], .int64)
    public static let grep = Procedure("grep", 151, [.string, .pathname], .stringList, optionals: [
        OptionalArgument("extended", .bool), OptionalArgument("fixed", .bool),
        OptionalArgument("insensitive", .bool), OptionalArgument("compressed", .bool),
    ])

    // Directories.
    public static let ll = Procedure("ll", 5, [.pathname], .string)
    public static let readdir = Procedure("readdir", 138, [.pathname], .structList(.dirent))
    public static let mkdir = Procedure("mkdir", 32, [.pathname], .none)
    public static let mkdirP = Procedure("mkdir_p", 33, [.pathname], .none)
    public static let mkdirMode = Procedure("mkdir_mode", 202, [.pathname, .int], .none)
    public static let rmdir = Procedure("rmdir", 30, [.pathname], .none)
    public static let rmRF = Procedure("rm_rf", 31, [.pathname], .none)

    // Tests and status.
    public static let exists = Procedure("exists", 36, [.pathname], .bool)
    public static let isFile = Procedure("is_file", 37, [.pathname], .bool, optionals: [OptionalArgument("followsymlinks", .bool)])
    public static let isDir = Procedure("is_dir", 38, [.pathname], .bool, optionals: [OptionalArgument("followsymlinks", .bool)])
    public static let isSymlink = Procedure("is_symlink", 270, [.pathname], .bool)
    public static let statns = Procedure("statns", 421, [.pathname], .structure(.statns))
    public static let lstatns = Procedure("lstatns", 422, [.pathname], .structure(.statns))
    public static let internalLstatnslist = Procedure("internal_lstatnslist", 423, [.pathname, .filenameList], .structList(.statns))
    public static let statvfs = Procedure("statvfs", 54, [.pathname], .structure(.statvfs))

    // Extended attributes.
    public static let lgetxattrs = Procedure("lgetxattrs", 142, [.pathname], .structList(.xattr))
    public static let internalLxattrlist = Procedure("internal_lxattrlist", 205, [.pathname, .filenameList], .structList(.xattr))
    public static let getxattrs = Procedure("getxattrs", 141, [.pathname], .structList(.xattr))
    public static let getxattr = Procedure("getxattr", 279, [.pathname, .string], .buffer)
    public static let lgetxattr = Procedure("lgetxattr", 280, [.pathname, .string], .buffer)
    public static let setxattr = Procedure("setxattr", 143, [.string, .string, .int, .pathname], .none)
    public static let lsetxattr = Procedure("lsetxattr", 144, [.string, .string, .int, .pathname], .none)
    public static let removexattr = Procedure("removexattr", 145, [.string, .pathname], .none)
    public static let lremovexattr = Procedure("lremovexattr", 146, [.string, .pathname], .none)

    // What libguestfs's tools ask before they work: features, mountables, volumes.
    public static let internalFeatureAvailable = Procedure("internal_feature_available", 458, [.string], .int)
    public static let internalParseMountable = Procedure("internal_parse_mountable", 396, [.mountable], .structure(.internalMountable))
    public static let pvs = Procedure("pvs", 9, [], .stringList)
    public static let vgs = Procedure("vgs", 10, [], .stringList)
    public static let lvs = Procedure("lvs", 11, [], .stringList)
    public static let pvsFull = Procedure("pvs_full", 12, [], .structList(.lvmPV))
    public static let vgsFull = Procedure("vgs_full", 13, [], .structList(.lvmVG))
    public static let lvsFull = Procedure("lvs_full", 14, [], .structList(.lvmLV))

    // The daemon itself.
    public static let sync = Procedure("sync", 2, [], .none)
    public static let pingDaemon = Procedure("ping_daemon", 92, [], .none)
    public static let debug = Procedure("debug", 76, [.string, .stringList], .string)
    public static let internalAutosync = Procedure("internal_autosync", 282, [], .none)

    // Running guest programs.
    public static let command = Procedure("command", 50, [.stringList], .string)
    public static let commandLines = Procedure("command_lines", 51, [.stringList], .stringList)
    public static let sh = Procedure("sh", 111, [.string], .string)
    public static let shLines = Procedure("sh_lines", 112, [.string], .stringList)

    /// Everything guestd serves; other numbers get the real daemon's "unknown procedure
    /// number" error.
    public static let all: [Procedure] = [
        listDevices, listPartitions, listFilesystems, blockdevGetss, blockdevGetsize64, partToDev, partToPartnum,
        partList, partGetParttype, partGetMbrID, zero,
        vfsType, vfsLabel, vfsUUID, blkid,
        mount, mountRO, mountOptions, umount, umountAll, mounts, mountpoints,
        upload, download, ls0, find0,
        touch, rm, chmod, chown, pread, internalWrite, internalWriteAppend, pwrite, filesize, fill, headN, tailN,
        checksum, cp, cpA, mv, rename, lnS, readlink, internalReadlinklist,
        head, tail, wcL, wcW, wcC, truncate, truncateSize, utimens, lchown, ln, lnF, lnSF, rmF, mknod, mkfifo, mknodB, mknodC, isZero,
        realpath, uploadOffset, downloadOffset, base64In, base64Out, du, grep,
        ll, readdir, mkdir, mkdirP, mkdirMode, rmdir, rmRF,
        exists, isFile, isDir, isSymlink, statns, lstatns, internalLstatnslist, statvfs,
        lgetxattrs, internalLxattrlist, getxattrs, getxattr, lgetxattr, setxattr, lsetxattr, removexattr, lremovexattr,
        internalFeatureAvailable, internalParseMountable, pvs, vgs, lvs, pvsFull, vgsFull, lvsFull,
        sync, pingDaemon, debug, internalAutosync, command, commandLines, sh, shLines,
    ] + tools + inspection
}
