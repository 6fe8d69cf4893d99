extension KernelWords {
    /// The spelling of each word: `name=` prefixes for words with a value, whole words
    /// for flags.
    public enum Name {
        public static let rootUUID = "root=UUID="
        public static let rootTimeout = "appliance.roottimeout="
        public static let modules = "appliance.modules="
        public static let network = "appliance.network="
        public static let ssh = "appliance.ssh="
        public static let channel = "appliance.channel="
        public static let alive = "appliance.alive"
        public static let snapshot = "appliance.snapshot"
        public static let libguestfsNetwork = "guestfs_network=1"
        public static let libguestfsVerbose = "guestfs_verbose=1"
        /// libguestfs's virt-rescue: a shell on the console instead of only serving.
        public static let libguestfsRescue = "guestfs_rescue=1"
        public static let quiet = "quiet"

        /// The words init's own parser matches (Sources/init/KernelCommandLine.swift).
        public static let readByInit = [rootUUID, quiet, modules, rootTimeout, alive, libguestfsNetwork]
    }
}
