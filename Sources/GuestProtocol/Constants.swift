/// Numbers of libguestfs's wire protocol 4 (generator/XDR.ml and the daemon's proto.c).
public enum Guestfs {
    public static let program: UInt32 = 0x2000_F5F5
    public static let protocolVersion: UInt32 = 4

    /// Words that stand where a length word would; each is larger than any message.
    public static let launchFlag: UInt32 = 0xF5F5_5FF5
    public static let cancelFlag: UInt32 = 0xFFFF_EEEE
    public static let progressFlag: UInt32 = 0xFFFF_5555

    /// Largest message either side accepts (the length word's bound).
    public static let messageMax: UInt32 = 4 * 1024 * 1024
    /// Largest data field of one FileIn/FileOut chunk.
    public static let maxChunkSize = 8192
    /// Bound of `guestfs_message_error.error_message`.
    public static let errorLen = 64 * 1024
    /// Bound of `guestfs_message_error.errno_string`.
    public static let errnoStringLen = 32
    /// Size of the XDR body of a progress message.
    public static let progressSize = 24
}
