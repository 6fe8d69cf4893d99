import GuestProtocol

/// Typed calls with libguestfs's names and semantics.
extension Session {
    public func pingDaemon() throws { _ = try call(.pingDaemon) }
    public func sync() throws { _ = try call(.sync) }
    public func internalAutosync() throws { _ = try call(.internalAutosync) }
    public func umountAll() throws { _ = try call(.umountAll) }

    public func listDevices() throws -> [String] { try strings(try call(.listDevices), .listDevices) }
    public func listPartitions() throws -> [String] { try strings(try call(.listPartitions), .listPartitions) }

    public func vfsType(_ mountable: String) throws -> String {
        var d = try call(.vfsType) { $0.string(mountable) }
        let s = try d.string()
        try d.finish()
        return s
    }

    public func mount(_ mountable: String, _ mountpoint: String) throws {
        _ = try call(.mount) { $0.string(mountable); $0.string(mountpoint) }
    }

    public func mountRO(_ mountable: String, _ mountpoint: String) throws {
        _ = try call(.mountRO) { $0.string(mountable); $0.string(mountpoint) }
    }

    /// `ls`, as the library builds it: ls0 streams NUL-terminated names, sorted here.
    public func ls(_ directory: String) throws -> [String] {
        var raw: [UInt8] = []
        try callFileOut(.ls0, { $0.string(directory) }) { raw += $0 }
        return raw.split(separator: 0, omittingEmptySubsequences: true)
            .map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    /// Streams a file (or a device) of the appliance to `sink`, chunk by chunk.
    public func download(_ path: String, to sink: ([UInt8]) throws -> Void) throws {
        try callFileOut(.download, { $0.string(path) }, sink: sink)
    }

    /// `cat`/`read_file`: the whole file in memory.
    public func readFile(_ path: String) throws -> [UInt8] {
        var data: [UInt8] = []
        try download(path) { data += $0 }
        return data
    }

    private func strings(_ d: XDRDecoder, _ proc: Procedure) throws -> [String] {
        var d = d
        let list = try d.stringList()
        try d.finish()
        return list
    }
}
