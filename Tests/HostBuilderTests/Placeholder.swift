import XCTest
final class HostBuilderTestsPlaceholder: XCTestCase { func testNothing() {} }
