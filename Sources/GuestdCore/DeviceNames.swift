/// libguestfs's device-name arithmetic (daemon/utils.ml, common/utils): drive letters
/// to indexes and back, splitting off partition numbers, and the qemu-attach-order sort.
enum DeviceNames {
    /// "a" → 0, "z" → 25, "aa" → 26; nil unless all lowercase letters.
    static func driveIndex<S: Sequence>(_ letters: S) -> Int? where S.Element == UInt8 {
        var r = 0, any = false
        for c in letters {
            guard c >= UInt8(ascii: "a"), c <= UInt8(ascii: "z"), r < Int.max / 27 else { return nil }
            r = 26 * r + Int(c - UInt8(ascii: "a")) + 1
            any = true
        }
        return any ? r - 1 : nil
    }

    /// The inverse of driveIndex.
    static func driveName(_ index: Int) -> String {
        let letter = String(UnicodeScalar(UInt8(ascii: "a") + UInt8(index % 26)))
        return index >= 26 ? driveName(index / 26 - 1) + letter : letter
    }

    /// "/dev/sda1" → ("sda", 1); "sdb" → ("sdb", 0); "md0p1" → ("md0", 1).
    static func splitPartition(_ device: String) -> (disk: [UInt8], partition: Int) {
        var dev = Array(device.utf8)
        if dev.starts(with: Array("/dev/".utf8)) { dev.removeFirst(5) }
        var i = dev.count
        while i >= 1, isDigit(dev[i - 1]) { i -= 1 }
        var partition = 0
        if i < dev.count {
            for c in dev[i...] { partition = partition > Int.max / 10 - 10 ? Int.max : partition * 10 + Int(c - 48) }
            dev.removeSubrange(i...)
        }
        // md0p1 style: the disk name ends in a digit followed by "p".
        let n = dev.count
        if n >= 2, dev[n - 1] == UInt8(ascii: "p"), isDigit(dev[n - 2]) { dev.removeLast() }
        return (dev, partition)
    }

    /// sort_device_names: sda < sdb < … < sdz < sdaa, and vda sorts with sda.
    static func areInOrder(_ a: String, _ b: String) -> Bool {
        let (da, pa) = splitPartition(a), (db, pb) = splitPartition(b)
        let sa = skipTypePrefix(da), sb = skipTypePrefix(db)
        if sa.count != sb.count { return sa.count < sb.count }
        if sa != sb { return sa.lexicographicallyPrecedes(sb) }
        return pa < pb
    }

    static func sorted(_ names: [String]) -> [String] {
        // A stable sort, as List.sort is: equal keys keep their order.
        names.enumerated().sorted { x, y in
            if areInOrder(x.element, y.element) { return true }
            if areInOrder(y.element, x.element) { return false }
            return x.offset < y.offset
        }.map(\.element)
    }

    /// Drops "sd"/"hd"/"vd" or "ubd"/"xvd" so drives of different buses sort by letter.
    private static func skipTypePrefix(_ dev: [UInt8]) -> ArraySlice<UInt8> {
        let d = UInt8(ascii: "d")
        if dev.count >= 2, dev[1] == d { return dev[2...] }
        if dev.count >= 3, dev[2] == d { return dev[3...] }
        return dev[...]
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
}
