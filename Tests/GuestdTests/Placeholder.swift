import XCTest
final class GuestdPlaceholder: XCTestCase { func testNothing() {} }
