/// errno names as `guestfs_int_errno_to_string` sends them (Linux numbering), so an
/// error reply carries "ENOENT" rather than a number the host may number differently.
public enum ErrnoName {
    private static let table: [(Int32, String)] = [
        (1, "EPERM"), (2, "ENOENT"), (3, "ESRCH"), (4, "EINTR"), (5, "EIO"), (6, "ENXIO"), (7, "E2BIG"),
        (8, "ENOEXEC"), (9, "EBADF"), (10, "ECHILD"), (11, "EAGAIN"), (12, "ENOMEM"), (13, "EACCES"),
        (14, "EFAULT"), (15, "ENOTBLK"), (16, "EBUSY"), (17, "EEXIST"), (18, "EXDEV"), (19, "ENODEV"),
        (20, "ENOTDIR"), (21, "EISDIR"), (22, "EINVAL"), (23, "ENFILE"), (24, "EMFILE"), (25, "ENOTTY"),
        (26, "ETXTBSY"), (27, "EFBIG"), (28, "ENOSPC"), (29, "ESPIPE"), (30, "EROFS"), (31, "EMLINK"),
        (32, "EPIPE"), (33, "EDOM"), (34, "ERANGE"), (35, "EDEADLK"), (36, "ENAMETOOLONG"), (37, "ENOLCK"),
        (38, "ENOSYS"), (39, "ENOTEMPTY"), (40, "ELOOP"), (61, "ENODATA"), (75, "EOVERFLOW"),
        (95, "ENOTSUP"), (110, "ETIMEDOUT"), (117, "EUCLEAN"), (122, "EDQUOT"), (123, "ENOMEDIUM"),
        (124, "EMEDIUMTYPE"),
    ]

    public static func name(_ errno: Int32) -> String {
        table.first { $0.0 == errno }?.1 ?? (errno > 0 ? "errno \(errno)" : "")
    }

    public static func number(_ name: String) -> Int32? { table.first { $0.1 == name }?.0 }
}
