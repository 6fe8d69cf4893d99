import Glibc
import GuestProtocol
import SystemCalls

/// journal_open, journal_close, journal_next, journal_skip, internal_journal_get,
/// journal_get/set_data_threshold, journal_get_realtime_usec (daemon/journal.c of
/// libguestfs 1.48, optional group journal): one sd_journal over a guest directory,
/// walked entry by entry. virt-log reads /var/log/journal this way.
extension Daemon {
    func doJournalOpen(directory: ByteString) throws(CallError) {
        let host: ByteString
        do { host = try sysroot.hostPath(directory) } catch {
            throw CallError.perror("sd_journal_open_directory: \(directory)", error.errno)
        }
        let r: Int32
        do { r = try journal.open(host.cString) } catch { throw CallError.perror("dlopen: \(Journal.soname)", error.errno) }
        guard r >= 0 else { throw CallError.perror("sd_journal_open_directory: \(directory)", -r) }
    }

    func doJournalClose() throws(CallError) {
        _ = try journalHandle("do_journal_close")
        journal.close()
    }

    func doJournalNext() throws(CallError) -> Bool {
        let (lib, j) = try journalHandle("do_journal_next")
        let r = lib.next(j)
        guard r >= 0 else { throw CallError.perror("sd_journal_next", -r) }
        return r != 0
    }

    func doJournalSkip(skip: Int64) throws(CallError) -> Int64 {
        let (lib, j) = try journalHandle("do_journal_skip")
        guard skip != 0 else { return 0 }
        let r = skip > 0 ? lib.nextSkip(j, UInt64(skip)) : lib.previousSkip(j, skip.magnitude)
        guard r >= 0 else { throw CallError.perror("failed to skip \(skip) journal entries", -r) }
        return Int64(r)
    }

    /// The entry's fields as a stream of (8-byte big-endian length, "NAME=value") pairs,
    /// which the library turns into journal_get's list.
    func doInternalJournalGet() throws(CallError) -> Answer {
        let (lib, j) = try journalHandle("do_internal_journal_get")
        return .fileOut { [console] stream in
            lib.restartData(j)
            while true {
                var data: UnsafeRawPointer?
                var length = 0
                let r = lib.enumerateData(j, &data, &length)
                if r == 0 { break }
                guard r > 0, let data else {
                    console.info("sd_journal_enumerate_data: \(Errno(-r).text)")
                    try stream.abort()
                    return
                }
                let be = UInt64(length).bigEndian
                try stream.write(withUnsafeBytes(of: be) { Array($0) })
                try stream.write(UnsafeRawBufferPointer(start: data, count: length))
            }
            try stream.finish()
        }
    }

    func doJournalGetDataThreshold() throws(CallError) -> Int64 {
        let (lib, j) = try journalHandle("do_journal_get_data_threshold")
        var size = 0
        let r = lib.dataThreshold(j, &size)
        guard r >= 0 else { throw CallError.perror("sd_journal_get_data_threshold", -r) }
        return Int64(size)
    }

    func doJournalSetDataThreshold(threshold: Int64) throws(CallError) {
        let (lib, j) = try journalHandle("do_journal_set_data_threshold")
        let r = lib.setDataThreshold(j, Int(truncatingIfNeeded: threshold))
        guard r >= 0 else { throw CallError.perror("sd_journal_set_data_threshold", -r) }
    }

    func doJournalGetRealtimeUsec() throws(CallError) -> Int64 {
        let (lib, j) = try journalHandle("do_journal_get_realtime_usec")
        var usec: UInt64 = 0
        let r = lib.realtimeUsec(j, &usec)
        guard r >= 0 else { throw CallError.perror("sd_journal_get_realtime_usec", -r) }
        return Int64(bitPattern: usec)
    }

    /// NEED_HANDLE: the group, then an open journal; `function` names the C function
    /// in the message.
    private func journalHandle(_ function: String) throws(CallError) -> (Journal.Library, OpaquePointer) {
        guard let j = journal.handle, let lib = try? journal.calls() else {
            throw CallError("\(function): you must call 'journal-open' first to initialize the journal handle")
        }
        return (lib, j)
    }
}
