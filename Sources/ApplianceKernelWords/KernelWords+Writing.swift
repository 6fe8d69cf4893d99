extension KernelWords {
    /// The words to append to the kernel command line, in a fixed order (the launcher's
    /// tests compare whole command lines). `problems` are not written.
    public var words: [String] {
        var w: [String] = []
        if let rootUUID { w.append(Name.rootUUID + rootUUID) }
        if let rootTimeoutSeconds { w.append(Name.rootTimeout + String(rootTimeoutSeconds)) }
        if let modules { w.append(Name.modules + modules.joined(separator: ",")) }
        if let network { w.append(Name.network + network.argument) }
        if let sshKey { w.append(Name.ssh + sshKey.argument) }
        if let channel { w.append(Name.channel + channel) }
        if alive { w.append(Name.alive) }
        if snapshot { w.append(Name.snapshot) }
        if libguestfsNetwork { w.append(Name.libguestfsNetwork) }
        if libguestfsVerbose { w.append(Name.libguestfsVerbose) }
        if libguestfsRescue { w.append(Name.libguestfsRescue) }
        if quiet { w.append(Name.quiet) }
        return w
    }
}
