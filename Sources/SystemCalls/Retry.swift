import Glibc

/// Calls `body` again while it fails with EINTR: the one place the project retries an
/// interrupted system call. `body` returns the call's own result (-1 on failure, errno set).
@inline(__always)
public func retryingEINTR<T: BinaryInteger>(_ body: () -> T) -> T {
    while true {
        let r = body()
        if r == -1 && errno == EINTR { continue }
        return r
    }
}
