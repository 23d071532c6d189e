import KobraKaiCore
import Synchronization

/// A clock tests move by hand: the firewall's continuous instant and the wall clock move together.
final class ManualClock: Sendable {
    private let offset = Mutex<Duration>(.zero)
    private let start = ContinuousClock.now
    private let wallStart = Timestamp(secondsSinceEpoch: 1_800_000_000)

    var instant: ContinuousClock.Instant { start + offset.withLock { $0 } }
    var wall: Timestamp { wallStart + offset.withLock { $0 } }

    func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
}
