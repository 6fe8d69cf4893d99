/// xfs_info's report read as xfs_info (daemon/xfs.c of libguestfs 1.48) reads it: each
/// line searched for "key=" markers, the value the text up to the next space, comma or
/// "=", numbers scanned as sscanf("%u") would. Keys that several sections share
/// (sectsz, bsize, blocks, sunit) go to the field of the section the last line starting
/// with a letter opened ("meta-data", "data", "naming", "log", "realtime"). A field no
/// line gives stays all ones (the struct's -1); a name no line gives is empty.
public struct XFSInfo: Equatable, Sendable {
    public var mntpoint = ""
    public var inodesize = UInt32.max
    public var agcount = UInt32.max
    public var agsize = UInt32.max
    public var sectsize = UInt32.max
    public var attr = UInt32.max
    public var blocksize = UInt32.max
    public var datablocks = UInt64.max
    public var imaxpct = UInt32.max
    public var sunit = UInt32.max
    public var swidth = UInt32.max
    public var dirversion = UInt32.max
    public var dirblocksize = UInt32.max
    public var cimode = UInt32.max
    public var logname = ""
    public var logblocksize = UInt32.max
    public var logblocks = UInt32.max
    public var logversion = UInt32.max
    public var logsectsize = UInt32.max
    public var logsunit = UInt32.max
    public var lazycount = UInt32.max
    public var rtname = ""
    /// Never read from the report (the real parser has no "extsz=" key): always all ones.
    public var rtextsize = UInt32.max
    public var rtblocks = UInt64.max
    public var rtextents = UInt64.max

    public init() {}

    public struct ParseError: Error, Equatable {
        /// The value text that is not a number.
        public var value: String
        /// The real daemon's reply text.
        public var message: String { "cannot parse numeric field from xfs_info: \(value)" }
    }

    public static func parse(_ text: String) throws(ParseError) -> XFSInfo {
        var info = XFSInfo()
        var section: String?
        for lineText in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = Substring(lineText)
            if let first = line.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic {
                section = word(line)
            }
            if let v = value(line, "meta-data=") { info.mntpoint = v }
            if let v = value(line, "isize=") { info.inodesize = try number(v) }
            if let v = value(line, "agcount=") { info.agcount = try number(v) }
            if let v = value(line, "agsize=") { info.agsize = try number(v) }
            if let v = value(line, "sectsz="), let section {
                if section == "meta-data" { info.sectsize = try number(v) } else if section == "log" { info.logsectsize = try number(v) }
            }
            if let v = value(line, "attr=") { info.attr = try number(v) }
            if let v = value(line, "bsize="), let section {
                switch section {
                case "data": info.blocksize = try number(v)
                case "naming": info.dirblocksize = try number(v)
                case "log": info.logblocksize = try number(v)
                default: break
                }
            }
            if let v = value(line, "blocks="), let section {
                switch section {
                case "data": info.datablocks = try number(v)
                case "log": info.logblocks = try number(v)
                case "realtime": info.rtblocks = try number(v)
                default: break
                }
            }
            if let v = value(line, "imaxpct=") { info.imaxpct = try number(v) }
            if let v = value(line, "sunit="), let section {
                if section == "data" { info.sunit = try number(v) } else if section == "log" { info.logsunit = try number(v) }
            }
            if let v = value(line, "swidth=") { info.swidth = try number(v) }
            if let v = value(line, "naming   =version ") { info.dirversion = try number(v) }
            if let v = value(line, "ascii-ci=") { info.cimode = try number(v) }
            if let v = value(line, "log      =") { info.logname = v }
            if let v = value(line, "version=") { info.logversion = try number(v) }
            if let v = value(line, "lazy-count=") { info.lazycount = try number(v) }
            if let v = value(line, "realtime =") { info.rtname = v }
            if let v = value(line, "rtextents=") { info.rtextents = try number(v) }
        }
        return info
    }

    /// The text after the first occurrence of `key`, up to a space, comma or "=".
    static func value(_ line: Substring, _ key: String) -> String? {
        let hay = Array(line.utf8), needle = Array(key.utf8)
        guard hay.count >= needle.count else { return nil }
        for start in 0 ... hay.count - needle.count where hay[start ..< start + needle.count].elementsEqual(needle) {
            return word(Substring(decoding: hay[(start + needle.count)...], as: UTF8.self))
        }
        return nil
    }

    static func word(_ text: Substring) -> String {
        String(text.prefix { $0 != " " && $0 != "," && $0 != "=" })
    }

    /// sscanf's %u: leading blanks, an optional sign (a minus wraps), at least one digit;
    /// anything after the digits is ignored.
    static func number<T: FixedWidthInteger & UnsignedInteger>(_ text: String) throws(ParseError) -> T {
        var chars = Substring(text).drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        var negative = false
        if let sign = chars.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            chars = chars.dropFirst()
        }
        let digits = chars.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { throw ParseError(value: text) }
        var v: T = 0
        for d in digits.utf8 { v = v &* 10 &+ T(d - UInt8(ascii: "0")) }
        return negative ? 0 &- v : v
    }
}
