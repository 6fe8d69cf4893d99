import ApplianceKernelWords
import DHCP
import Glibc

/// Brings the appliance onto the network as the kernel command line asks: lo up, the
/// first virtio-net interface up with its address, netmask and default route, and the
/// DNS server in /run/resolv.conf (the read-only root's /etc/resolv.conf links there).
/// Failures are reported and survived: the daemon still serves the disks.
enum NetworkSetup {
    static let resolvConf = "/run/resolv.conf"

    /// Applies `appliance.network=` (or libguestfs's guestfs_network=1), if present. A
    /// malformed setting is reported and nothing is configured, not even libguestfs's plan.
    static func fromKernelCommandLine(_ words: KernelWords, console: Console) {
        let problems = words.problems(of: KernelWords.Name.network)
        for p in problems { console.fatal("network: \(p)") }
        if problems.isEmpty, let setting = words.effectiveNetwork { apply(NetworkConfig(setting), console: console) }
    }

    static func apply(_ config: NetworkConfig, console: Console) {
        var config = config
        do {
            let ctl = try InterfaceControl()
            defer { ctl.close() }
            try ctl.bringUp("lo")
            guard let name = waitForInterface() else {
                console.fatal("network: no interface besides lo in /sys/class/net (is virtio_net loaded?)")
                return
            }
            if let address = config.address {
                try ctl.setAddress(name, address)
                try ctl.setNetmask(name, config.netmask)
            }
            try ctl.bringUp(name)
            if config.dhcp {
                let lease = try DHCPClient(interface: name).lease()
                config.address = lease.address.bigEndian
                config.prefixLength = lease.prefixLength
                config.gateway = lease.routers.first?.bigEndian
                config.dns = lease.dnsServers.first.map(dottedQuad)
                try ctl.setAddress(name, lease.address.bigEndian)
                try ctl.setNetmask(name, config.netmask)
                console.info("network: DHCP lease \(lease.description) from \(lease.server.map(dottedQuad) ?? "?")")
            }
            if let gateway = config.gateway { try ctl.addDefaultRoute(via: gateway) }
            if let dns = config.dns { try writeResolvConf(nameserver: dns) }
            console.info("network: \(name) up" + (config.address.map { " as \(dotted($0))/\(config.prefixLength)" } ?? ""))
        } catch {
            console.fatal("network: \(error)")
        }
    }

    /// The interface, polled briefly in case the driver's probe is still running.
    static func waitForInterface() -> String? {
        for _ in 0..<100 {
            if let name = DirEntry.list("/sys/class/net").sorted().first(where: { $0 != "lo" }) { return name }
            usleep(10_000)
        }
        return nil
    }

    /// /run is the tmpfs Boot mounted.
    static func writeResolvConf(nameserver: String) throws(SysError) {
        let text = "nameserver \(nameserver)\n"
        let fd = open(resolvConf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SysError("open", resolvConf) }
        defer { close(fd) }
        let n = text.withCString { write(fd, $0, strlen($0)) }
        guard n == text.utf8.count else { throw SysError("write", resolvConf) }
    }

    static func dotted(_ a: in_addr_t) -> String {
        withUnsafeBytes(of: a) { $0.map(String.init).joined(separator: ".") }
    }
}
