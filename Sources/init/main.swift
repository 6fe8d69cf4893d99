// init: PID 1 of the appliance's initrd. One linear job:
//   mount /dev /proc /sys → read the kernel command line → load the modules the root
//   device needs → find the root by UUID (or /dev name) → mount it read-only at /newroot
//   → switch root → exec the root's /init with our own argv and environment.
// Any failure prints one line naming what failed and powers the VM off; PID 1 must never
// return (the kernel would panic) and never hang (the host would wait for nothing).
//
// Why every function here is `@export(interface)`: Embedded Swift otherwise serializes each
// function's optimized SIL into the module, and a debug build embeds that module in the
// binary (.swift_ast, ~0.8 MB for this program); the attribute keeps only the symbol.
import CInit

// Inside a function: top-level variables would be global mutable state, which Swift 6
// rejects.
@export(interface) func boot() -> Never {
    var console = Console()

    // This program wipes "/" before switching root: refuse to run anywhere but as PID 1 on an
    // initramfs (say, by mistake on a host), and exit rather than power anything off.
    if cinit_getpid() != 1 || cinit_root_is_initramfs() != 1 {
        Console.write("init: error: this is the appliance initrd's init; it runs only as PID 1 of an initramfs\n")
        cinit_exit(2)
    }

    // 1. The kernel filesystems. /dev first: without a /dev/console node in the initramfs the
    //    kernel gave us no stdin/stdout/stderr, and devtmpfs provides the node.
    for (type, path, flags, data) in [
        ("devtmpfs", "/dev", cinit_MS_NOSUID, "mode=0755"),
        ("proc", "/proc", cinit_MS_NOSUID | cinit_MS_NODEV | cinit_MS_NOEXEC, ""),
        ("sysfs", "/sys", cinit_MS_NOSUID | cinit_MS_NODEV | cinit_MS_NOEXEC, ""),
    ] {
        do { try Files.makeDirectory(path) } catch {
            console.attach()
            console.fail("mkdir \(path): \(error.description)")
        }
        let result = cinit_mount(type, path, type, flags, data)
        if type.utf8.elementsEqual("devtmpfs".utf8) { console.attach() }
        // EBUSY: already mounted (e.g. a kernel with CONFIG_DEVTMPFS_MOUNT did it).
        if result < 0 && -result != cinit_EBUSY {
            console.fail("mount \(type) on \(path): \(Errno(code: -result).description)")
        }
    }

    // 2. The kernel command line: root=, quiet, appliance.roottimeout=, appliance.modules=.
    let commandLine: KernelCommandLine
    do {
        commandLine = KernelCommandLine(try Files.read("/proc/cmdline"))
    } catch {
        console.fail("read /proc/cmdline: \(error.description)")
    }
    console.quiet = commandLine.quiet
    if commandLine.announceAlive { Console.write("init: alive\n") }
    if let problem = commandLine.problems.first {
        console.fail("kernel command line: \(problem)")
    }
    guard let rootSpec = commandLine.root else {
        console.fail("kernel command line has no root=UUID=<uuid> or root=/dev/<name>")
    }
    console.progress("starting; root \(rootSpec.description), timeout \(commandLine.rootTimeoutSeconds)s")

    // 3. The drivers for the root device and its filesystem.
    Modules.loadAll(only: commandLine.onlyModules ?? Modules.defaultSet(network: commandLine.libguestfsNetwork), console: console)

    // 4. The root device; it may take a moment to appear after its driver loaded.
    let rootDevice = RootDevice.wait(for: rootSpec, timeoutSeconds: commandLine.rootTimeoutSeconds, console: console)
    if case .uuid = rootSpec {
        console.progress("root \(rootSpec.description) is \(rootDevice)")
    } else {
        console.progress("root \(rootDevice) is ready")
    }

    // 5. Mount it read-only at /newroot.
    SwitchRoot.mount(rootDevice, console: console)

    // 6. Become the new root: free the initramfs, move /dev /proc /sys, chroot.
    SwitchRoot.enter(console: console)

    // 7. Hand over to the root's /init, with the argv and environment the kernel gave us.
    console.progress("exec /init")
    let result = cinit_execve("/init", cinit_argv(), cinit_envp_for_root())
    console.fail("execve /init in the new root: \(Errno(code: -result).description)")
}

boot()
