import Foundation
import GuestProtocol
import XCTest

/// guestd survives whatever a seeded random mutator throws at its decoder: every message
/// gets an answer or ends the connection with exit status 1, never a crash or a hang.
/// Calls are built for random served procedures with random arguments, then mutated
/// (bytes flipped, cut, grown, header fields replaced). Procedures that write to block
/// devices are left out (in host test mode a device name is the host's own), and so are
/// those that size a file by an argument: a mutated size makes gigabyte files whose
/// reading later is slow, not hung. aug_init is left out too: a flags word with
/// AUG_TYPE_CHECK makes Augeas typecheck every lens, tens of seconds of work.
final class FuzzTests: SysrootTestCase {
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private static let unsafeOnHost: Set<String> = [
        "zero", "upload", "upload_offset", "mount", "mount_ro", "mount_options", "truncate_size", "pwrite", "fill",
        "aug_init",
        // They write or mount on the host when the sysroot is a host folder: filling its
        // filesystem, a tmpfs on the sysroot, btrfs(8) on the host's filesystem.
        "zero_free_space", "fill_pattern", "mkmountpoint", "rmmountpoint", "zerofree", "fstrim", "zero_device",
        "pwrite_device", "btrfs_subvolume_create", "btrfs_subvolume_snapshot", "btrfs_subvolume_delete",
        "btrfs_subvolume_set_default", "fallocate", "fallocate64", "mount_loop",
        // Swap headers on the host's devices, the host's own swap turned on or off.
        "mkswap", "mkswap_L", "mkswap_U", "mkswap_file", "swapon_device", "swapoff_device", "swapon_file",
        "swapoff_file", "swapon_label", "swapoff_label", "swapon_uuid", "swapoff_uuid",
        // Wiping or rewriting the host's devices and free space, its kernel's modules, the
        // test process's own security context.
        "scrub_device", "scrub_file", "scrub_freespace", "f2fs_expand", "grub_install", "modprobe", "setcon",
        // An rsync remote is a path of the machine guestd runs on: rsync_in "/" copies the
        // host's whole root into the sysroot, rsync_out with deletedest could empty it;
        // rsync joins ".." as text. internal_appliance_resume sets the host's clock,
        // inotify_init N writes the host's fs.inotify.max_queued_events.
        "rsync", "rsync_in", "rsync_out", "internal_appliance_resume", "inotify_init",
        // 100 000 seconds of sleep or 100 000 files: a hang and a flood, not a finding.
        "sleep", "fill_dir",
    ]

    func testMutatedCallsNeverCrashOrHangTheDaemon() throws {
        // FUZZ_SEED and FUZZ_ROUNDS explore further than the fixed seed CI runs.
        let env = ProcessInfo.processInfo.environment
        var rng = SplitMix64(state: env["FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_0004)
        let rounds = env["FUZZ_ROUNDS"].flatMap { Int($0) } ?? 1500
        let procs = Procedure.all.filter { !Self.unsafeOnHost.contains($0.name) }
        let unsafeNumbers = Set(Procedure.all.filter { Self.unsafeOnHost.contains($0.name) }.map(\.number))
        var restarts = 0, replies = 0
        for round in 0 ..< rounds {
            let proc = procs.randomElement(using: &rng)!
            var body = XDREncoder()
            for kind in proc.wireArguments + proc.optionals.map(\.kind) { Self.randomArgument(kind, &body, &rng) }
            var header = MessageHeader(procedure: proc.number, direction: .call, serial: UInt32(round),
                                       optargsBitmask: proc.optionals.isEmpty ? 0 : UInt64.random(in: 0 ... 3, using: &rng))
            var message = header.message(body: body.bytes)
            switch Int.random(in: 0 ..< 6, using: &rng) {
            case 0: break
            case 1: for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                    message[Int.random(in: 0 ..< message.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng)
                }
            case 2: message = Array(message.prefix(Int.random(in: 0 ... message.count, using: &rng)))
            case 3: message += (0 ..< Int.random(in: 1 ... 64, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            case 4:
                // Any number, known or not, except those of the calls left out above.
                repeat { header.procedure = UInt32.random(in: 0 ... 600, using: &rng) } while unsafeNumbers.contains(header.procedure)
                message = header.message(body: body.bytes)
            default:
                // A length word inside the body claiming far more than is there.
                if message.count >= 48 {
                    let at = 40 + Int.random(in: 0 ..< (message.count - 44) / 4 + 1, using: &rng) * 4
                    if at + 4 <= message.count { message.replaceSubrange(at ..< at + 4, with: [0x7F, 0xFF, 0xFF, 0xF0]) }
                }
            }
            // A flipped byte may have made the number one of the calls left out above.
            if message.count >= 12, unsafeNumbers.contains(message[8 ..< 12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }) { continue }
            if env["FUZZ_TRACE"] != nil { print("round \(round): \(proc.name) \(message)") }
            try daemon.channel.writeMessage(message)
            switch try answer() {
            case .reply:
                replies += 1
            case .closed:
                XCTAssertEqual(daemon.waitForExit(), .exit, "round \(round): guestd must exit, not crash")
                XCTAssertEqual(daemon.process.terminationStatus, 1, "round \(round)")
                daemon = try GuestdHarness(sysroot: root.path)
                restarts += 1
            }
        }
        XCTAssertGreaterThan(replies, rounds * 2 / 3)
        try assertAlive()
        print("fuzz: \(replies) replies, \(restarts) dropped connections")
    }

    private enum Outcome { case reply, closed }

    /// The reply, after ending any FileIn the call may have started (an empty chunk, or
    /// a cancel chunk once the daemon cancels) and skipping FileOut chunks.
    private func answer() throws -> Outcome {
        daemon.channel.timeout = 2
        var endedUpload = false
        while true {
            let frame: Frame
            do { frame = try daemon.channel.readFrame() } catch ChannelError.closed {
                return .closed
            } catch ChannelError.timedOut {
                XCTAssertFalse(endedUpload, "no answer even after the upload ended: guestd hangs")
                if endedUpload { return .closed }
                try daemon.channel.writeChunk(Chunk(data: []))
                endedUpload = true
                continue
            }
            switch frame {
            case .cancel:
                try daemon.channel.writeChunk(Chunk(cancel: true, data: []))
                endedUpload = true
            case .progress, .launchFlag:
                continue
            case let .message(bytes):
                var d = XDRDecoder(bytes)
                if (try? MessageHeader.decode(from: &d)) != nil, bytes.count >= 40 {
                    let r = try daemon.drainFileOut(after: bytes)
                    if r { return .reply }
                }
            }
        }
    }

    private static func randomArgument(_ kind: ArgumentKind, _ e: inout XDREncoder, _ rng: inout SplitMix64) {
        let paths = ["/", "/inside.txt", "/dir", "/dir/sub", "/nope", "relative", "/dir/../..", "/dev/null", "/dev/nonexistent", ""]
        switch kind {
        case .string, .pathname, .device, .mountable, .devOrPath, .mountableOrPath: e.string(paths.randomElement(using: &rng)!)
        case .stringList, .filenameList, .deviceList: e.stringList((0 ..< Int.random(in: 0 ... 3, using: &rng)).map { _ in ["a", "inside.txt", "x/y", ""].randomElement(using: &rng)! })
        case .optString:
            let set = Bool.random(using: &rng)
            e.bool(set)
            if set { e.string(paths.randomElement(using: &rng)!) }
        case .bool: e.bool(Bool.random(using: &rng))
        // Sizes that succeed stay small: fill or truncate to gigabytes would only test the disk.
        case .int: e.i32([0, 1, -1, 0o644, 100_000, Int32.min, 10].randomElement(using: &rng)!)
        case .int64: e.i64([0, 1, -1, 4096, Int64.max, Int64.min].randomElement(using: &rng)!)
        case .buffer: e.opaque((0 ..< Int.random(in: 0 ... 100, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) })
        case .fileIn, .fileOut: break
        }
    }
}

extension GuestdHarness {
    /// After a reply message: an OK reply of a FileOut procedure is followed by chunks,
    /// read here to their end. True when the reply was a reply (not a stray chunk).
    func drainFileOut(after bytes: [UInt8]) throws -> Bool {
        var d = XDRDecoder(bytes)
        guard let h = try? MessageHeader.decode(from: &d) else { return false }
        guard h.status == .ok, Procedure.numbered(h.procedure)?.fileOut == true else { return true }
        _ = try? readChunks()
        return true
    }
}
