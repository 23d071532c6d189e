#if canImport(Glibc)
import Glibc
#endif
import KobraKaiCore

extension Timestamp {
    /// The wall clock now (CLOCK_REALTIME): ban expiries are stored as wall time so they mean the same
    /// after a reboot.
    public static func wallClock() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(millisecondsSinceEpoch: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }
}
