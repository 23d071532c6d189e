import KobraKaiCore
import Synchronization

/// A clock tests move by hand: the in-memory firewall's continuous instant and the engine's wall clock move
/// together, so "time left" in the firewall and "expires at" in the store can be compared exactly.
final class ManualClock: Sendable {
    private let offset = Mutex<Duration>(.zero)
    private let start = ContinuousClock.now
    private let wallStart: Timestamp

    init(wallStart: Timestamp) { self.wallStart = wallStart }

    var instant: ContinuousClock.Instant { start + offset.withLock { $0 } }
    var wall: Timestamp { wallStart + offset.withLock { $0 } }

    func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
}
