import ApplianceKernelWords
import Glibc
import GuestProtocol

/// guestd: PID 1 of the appliance root (exec'd as /init), serving libguestfs's wire
/// protocol 4 on the virtio-serial port; or, not as PID 1 with --channel, the same
/// daemon against a socket for tests on the host.
public func runDaemon() -> Never {
    let isPID1 = getpid() == 1
    var options: Options
    do {
        options = try Options.parse(Array(CommandLine.arguments.dropFirst()), isPID1: isPID1)
    } catch {
        Console.write("\(error)")
        exit(2)
    }
    // A closed channel must be a write error, not a death by SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    // Host mode stands in for qemu, which libguestfs stops with SIGTERM after the
    // channel closes; qemu exits 0 then, and so does guestd.
    if !isPID1 { signal(SIGTERM) { _ in _exit(0) } }
    // The channel: the virtio-serial port, or a serial port when the command line names
    // one or the machine has no virtio device at all (an emulated PC, Xen HVM).
    var serialChannel: String?
    var rescue = false
    var snapshot = false
    if isPID1 {
        Boot.setUp(sysroot: options.sysroot, console: Console(quiet: options.quiet, verbose: options.verbose))
        LVM.prepareEnvironment(console: Console(quiet: options.quiet, verbose: options.verbose))
        let words = KernelWords.read()
        serialChannel = words.channel ?? (Channel.machineHasVirtio() ? nil : Channel.fallbackSerialPort)
        options.merge(kernelWords: words)
        rescue = words.libguestfsRescue
        snapshot = words.snapshot
        let console = Console(quiet: options.quiet, verbose: options.verbose)
        let unsettled = AttachOrder.settle()
        if !unsettled.isEmpty { console.info("SCSI devices without a block device after 10 s: \(unsettled.joined(separator: " "))") }
        DiskLabels.refresh(sysfs: "/sys", dev: "/dev", disks: Devices().disks())
        NetworkSetup.fromKernelCommandLine(words, console: console)
        SSHServer.fromKernelCommandLine(words, console: console)
    }
    let console = Console(quiet: options.quiet, verbose: options.verbose)

    let fd: Int32, channelName: String
    do {
        if let path = options.channelPath {
            (fd, channelName) = (try Channel.openHost(path), path)
        } else if let port = serialChannel {
            (fd, channelName) = (try Channel.openSerial("/dev/" + port), "/dev/" + port)
        } else {
            let port = try Channel.openAppliancePort()
            (fd, channelName) = (port.fd, "\(port.path) (\(Channel.portName))")
        }
    } catch {
        console.fatal("cannot open the host channel: \(error)")
        stop(options: options, console: console, status: 1)
    }

    let channel = FrameChannel(fd: fd)
    if snapshot { PageCache.dropForSnapshot(console: console) }
    let uptime = Console.uptime()
    do {
        try channel.writeWord(Guestfs.launchFlag)  // tells the host userspace is up
    } catch {
        console.fatal("cannot send the launch flag on \(channelName): \(error)")
        stop(options: options, console: console, status: 1)
    }
    console.info("serving on \(channelName), \(uptime) s after boot")
    // virt-rescue: a shell on the console while the daemon serves; its end is the end.
    if rescue { RescueShell.start(console: console) { stop(options: options, console: console, status: 0) } }

    let daemon = Daemon(channel: channel, options: options, console: console)
    switch daemon.serve() {
    case .closed:
        console.info("the host closed the channel")
        stop(options: options, console: console, status: 0, daemon: daemon)
    case let .protocolError(why), let .channelError(why):
        console.fatal(why)
        stop(options: options, console: console, status: 1, daemon: daemon)
    }
}

/// The end: as PID 1 unmount the guest filesystems, flush and power off (exiting would
/// panic the kernel); otherwise just exit.
func stop(options: Options, console: Console, status: Int32, daemon: Daemon? = nil) -> Never {
    guard options.isPID1 else { exit(status) }
    let mounts = daemon?.mounts ?? Mounts(sysroot: options.sysroot)
    do { try mounts.unmountAll() } catch { console.fatal(error.message.description) }
    Sync.syncDisks(devices: daemon?.devices ?? Devices(), includeDevices: true)
    Boot.powerOff(console: console)
}
