// Mounting the root and switching into it, the way busybox's and klibc's switch_root do.
// pivot_root(2) refuses to move the initramfs (rootfs cannot be unmounted), so instead:
// free the initramfs, move the new root's mount over "/", chroot into it.
import CInit

enum SwitchRoot {
    static let newRoot = "/newroot"

    /// Mounts `device` read-only at /newroot: ext4 first (its driver also mounts ext2 and
    /// ext3), then ext2 in case only the ext2 driver is present.
    @export(interface) static func mount(_ device: String, console: Console) {
        do { try Files.makeDirectory(newRoot) } catch {
            console.fail("mkdir \(newRoot): \(error.description)")
        }
        let ext4 = cinit_mount(device, newRoot, "ext4", cinit_MS_RDONLY, "")
        if ext4 == 0 { return console.progress("mounted \(device) on \(newRoot) (ext4, ro)") }
        let ext2 = cinit_mount(device, newRoot, "ext2", cinit_MS_RDONLY, "")
        if ext2 == 0 { return console.progress("mounted \(device) on \(newRoot) (ext2, ro)") }
        console.fail("mount \(device) on \(newRoot) (ext4, ro): \(Errno(code: -ext4).description); "
            + "as ext2: \(Errno(code: -ext2).description)")
    }

    /// Replaces the initramfs with /newroot as "/". Afterwards the process's root and
    /// working directory are the new root and /init can be exec'd.
    @export(interface) static func enter(console: Console) {
        checkInit(console: console)

        // The initramfs stays in memory until its files are deleted: free it. Mounts
        // (/dev, /proc, /sys, /newroot) have another st_dev and are skipped.
        let root: cinit_stat
        do { root = try Files.status("/") } catch {
            console.fail("lstat /: \(error.description)")
        }
        removeContents(of: "/", device: root.dev)

        // Keep /dev, /proc and /sys for the new root if it has places for them; otherwise
        // detach them so nothing is left mounted over a directory no one can reach.
        for name in ["dev", "proc", "sys"] {
            let target = "\(newRoot)/\(name)"
            if Files.isDirectory(target) {
                let result = cinit_mount("/\(name)", target, nil, cinit_MS_MOVE, nil)
                if result < 0 { console.fail("move mount /\(name) to \(target): \(Errno(code: -result).description)") }
            } else {
                let result = cinit_umount_lazy("/\(name)")
                if result < 0 { console.fail("umount /\(name): \(Errno(code: -result).description)") }
            }
        }

        step(cinit_chdir(newRoot), "chdir \(newRoot)", console)
        step(cinit_mount(".", "/", nil, cinit_MS_MOVE, nil), "move mount \(newRoot) to /", console)
        step(cinit_chroot("."), "chroot \(newRoot)", console)
        step(cinit_chdir("/"), "chdir / in the new root", console)
    }

    /// The root must have an executable /init before the initramfs is destroyed: after that
    /// there is no way back. A symlink is left for execve to judge, because an absolute
    /// target would be resolved against the initramfs here, not against the new root.
    @export(interface) private static func checkInit(console: Console) {
        let path = "\(newRoot)/init"
        let st: cinit_stat
        do { st = try Files.status(path) } catch {
            console.fail("the root has no /init: lstat \(path): \(error.description)")
        }
        if cinit_is_symlink(st.mode) != 0 { return }
        if cinit_is_regular(st.mode) == 0 {
            console.fail("the root's /init is not a regular file (\(path))")
        }
        let result = cinit_access_exec(path)
        if result < 0 {
            console.fail("the root's /init is not executable: \(path): \(Errno(code: -result).description)")
        }
    }

    /// Deletes everything under `directory` that lives on `device`, depth first. Failures
    /// are ignored: a file left behind only wastes a little memory.
    @export(interface) private static func removeContents(of directory: String, device: UInt64) {
        guard let names = try? Files.list(directory) else { return }
        let prefix = directory.utf8.elementsEqual("/".utf8) ? "/" : "\(directory)/"
        for name in names {
            let path = prefix + name
            if path.utf8.elementsEqual(newRoot.utf8) { continue }  // a mount point too, but never take chances
            guard let st = try? Files.status(path), st.dev == device else { continue }
            if cinit_is_dir(st.mode) != 0 {
                removeContents(of: path, device: device)
                _ = cinit_rmdir(path)
            } else {
                _ = cinit_unlink(path)
            }
        }
    }

    @export(interface) private static func step(_ result: Int32, _ what: String, _ console: Console) {
        if result < 0 { console.fail("\(what): \(Errno(code: -result).description)") }
    }
}
