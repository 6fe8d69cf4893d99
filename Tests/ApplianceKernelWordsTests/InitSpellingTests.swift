import ApplianceKernelWords
import Foundation
import XCTest

/// init (Embedded Swift) parses its words with its own code, so nothing but this test
/// ties its spelling to the launcher's: every word init reads must be a string literal
/// of Sources/init/KernelCommandLine.swift, exactly as KernelWords writes it.
final class InitSpellingTests: XCTestCase {
    /// The string literals of init's parser.
    private func initLiterals() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try String(contentsOf: root.appendingPathComponent("Sources/init/KernelCommandLine.swift"), encoding: .utf8)
        // A literal may hold escapes and interpolations (init's messages), none of them quotes.
        let regex = try NSRegularExpression(pattern: #""((?:[^"\\\n]|\\.)*)""#)
        let range = NSRange(source.startIndex..., in: source)
        return Set(regex.matches(in: source, range: range).compactMap { Range($0.range(at: 1), in: source).map { String(source[$0]) } })
    }

    func testInitMatchesEveryWordItReads() throws {
        let literals = try initLiterals()
        XCTAssertTrue(literals.contains("root=UUID="), "the file was read: \(literals.sorted())")
        for name in KernelWords.Name.readByInit {
            XCTAssertTrue(literals.contains(name), "init's KernelCommandLine.swift does not match \"\(name)\"")
        }
    }

    /// The launcher's words for init, as written, start with one of init's literals (a
    /// flag equals it; a `name=` word carries its value after it).
    func testWhatTheHostWritesForInitIsWhatInitMatches() throws {
        let literals = try initLiterals()
        let written = KernelWords(rootUUID: "01234567-89ab-cdef-0123-456789abcdef", rootTimeoutSeconds: 60,
                                  modules: ["virtio_pci"], alive: true, libguestfsNetwork: true, quiet: true).words
        XCTAssertEqual(written.count, 6)
        for word in written {
            XCTAssertTrue(literals.contains { $0.hasSuffix("=") ? word.hasPrefix($0) : word == $0 }, "init matches no literal for \(word)")
        }
    }
}
