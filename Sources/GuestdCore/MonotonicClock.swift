import Glibc

/// Seconds on CLOCK_MONOTONIC, for deadlines and rate limits that a change of the wall
/// clock (a warm start sets it) must not move.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
