import KobraKaiCore
import Synchronization

/// What each followed log is doing, for `kobrakai status`: updated by the follower tasks, read by the
/// control socket.
public final class SourceHealthBoard: Sendable {
    public struct Entry: Hashable, Sendable {
        public var path: String
        public var format: String
        /// `starting`, `following`, or `failed: reason`.
        public var state = "starting"
        public var lines = 0
        public var events = 0
        public var malformed = 0
        public var injectionsSuspected = 0
        public var lastLineAt: Timestamp?
    }

    private let entries: Mutex<[Entry]>

    public init(sources: [LogSourceConfiguration]) {
        entries = Mutex(sources.map { Entry(path: $0.path, format: $0.format.rawValue) })
    }

    public func update(_ path: String, _ change: (inout Entry) -> Void) {
        entries.withLock { list in
            guard let index = list.firstIndex(where: { $0.path == path }) else { return }
            change(&list[index])
        }
    }

    public var snapshot: [Entry] { entries.withLock { $0 } }

    /// True when no source has failed (the watchdog keeps pinging either way; this is for `status`).
    public var allFollowing: Bool { snapshot.allSatisfy { $0.state == "following" } }
}
