import XCTest
final class GuestProtocolTestsPlaceholder: XCTestCase { func testNothing() {} }
