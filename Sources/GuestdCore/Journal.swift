import Glibc

/// The systemd journal reader behind the journal_* procedures: libsystemd's sd-journal,
/// found with dlopen on first use. Linked in, libsystemd would bring libgcrypt, liblz4,
/// libzstd, liblzma and libcap into every boot for calls only virt-log makes. The
/// builder copies it into the root beside guestd's linked libraries (RootImage).
final class Journal {
    static let soname = "libsystemd.so.0"

    /// The calls, typed as sd-journal.h declares them.
    struct Library {
        let openDirectory: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?, UnsafePointer<CChar>?, Int32) -> Int32
        let close: @convention(c) (OpaquePointer?) -> Void
        let next: @convention(c) (OpaquePointer?) -> Int32
        let nextSkip: @convention(c) (OpaquePointer?, UInt64) -> Int32
        let previousSkip: @convention(c) (OpaquePointer?, UInt64) -> Int32
        let realtimeUsec: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt64>?) -> Int32
        let setDataThreshold: @convention(c) (OpaquePointer?, Int) -> Int32
        let dataThreshold: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> Int32
        let enumerateData: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeRawPointer?>?, UnsafeMutablePointer<Int>?) -> Int32
        let restartData: @convention(c) (OpaquePointer?) -> Void

        static func load() throws(SysError) -> Library {
            let lib = try SharedLibrary(Journal.soname)
            return Library(
                openDirectory: try lib.symbol("sd_journal_open_directory"), close: try lib.symbol("sd_journal_close"),
                next: try lib.symbol("sd_journal_next"), nextSkip: try lib.symbol("sd_journal_next_skip"),
                previousSkip: try lib.symbol("sd_journal_previous_skip"), realtimeUsec: try lib.symbol("sd_journal_get_realtime_usec"),
                setDataThreshold: try lib.symbol("sd_journal_set_data_threshold"),
                dataThreshold: try lib.symbol("sd_journal_get_data_threshold"),
                enumerateData: try lib.symbol("sd_journal_enumerate_data"), restartData: try lib.symbol("sd_journal_restart_data")
            )
        }
    }

    /// Whether the library and every call are there: the group "journal" is served.
    static let libraryLoads: Bool = (try? Library.load()) != nil

    private var library: Library?
    /// The open sd_journal, between journal_open and journal_close.
    private(set) var handle: OpaquePointer?

    /// The calls, loaded once.
    func calls() throws(SysError) -> Library {
        if let library { return library }
        let loaded = try Library.load()
        library = loaded
        return loaded
    }

    /// Opens the directory's journal files, closing any journal open before; a failure
    /// is libsystemd's negative errno.
    func open(_ directory: UnsafePointer<CChar>) throws(SysError) -> Int32 {
        let lib = try calls()
        close()
        var j: OpaquePointer?
        let r = lib.openDirectory(&j, directory, 0)
        if r >= 0 { handle = j }
        return r
    }

    func close() {
        if let handle, let library { library.close(handle) }
        handle = nil
    }

    deinit { close() }
}
