import Logging
import Synchronization

/// The engine's state changes on their way to SQLite: each flush adds its changes, and the one writer task
/// takes everything queued at once and writes it in ONE transaction. While a transaction runs, the next
/// flushes pile up and share the following one, so a flood of events costs a few commits a second instead
/// of one per flush, and the kernel path never waits for SQLite.
///
/// Bounded: when SQLite falls far behind (a stalled disk), queued events beyond `eventLimit` are dropped,
/// oldest first, and counted; bans, removals and log positions are never dropped.
final class StateWriteQueue: Sendable {
    static let eventLimit = 200_000

    private struct Contents {
        var changes: [StateChanges] = []
        var events = 0
        var dropped = 0
    }

    private let contents = Mutex(Contents())
    private let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    init() {
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func enqueue(_ changes: StateChanges) {
        guard !changes.isEmpty else { return }
        contents.withLock { contents in
            contents.changes.append(changes)
            contents.events += changes.events.count
            var index = 0
            while contents.events > Self.eventLimit, index < contents.changes.count {
                let excess = min(contents.events - Self.eventLimit, contents.changes[index].events.count)
                contents.changes[index].events.removeFirst(excess)
                contents.events -= excess
                contents.dropped += excess
                index += 1
            }
        }
        signal.yield()
    }

    /// No more changes: the writer writes what is queued and returns.
    func finish() { signal.finish() }

    private func takeAll() -> (changes: [StateChanges], dropped: Int) {
        contents.withLock { contents in
            defer { contents = Contents() }
            return (contents.changes, contents.dropped)
        }
    }

    /// Writes until `finish()`, then writes what is left.
    func runWriter(store: StateStore, logger: Logger) async {
        for await _ in signals { await write(store, logger) }
        await write(store, logger)
    }

    private func write(_ store: StateStore, _ logger: Logger) async {
        let (batch, dropped) = takeAll()
        if dropped > 0 {
            logger.warning("the state database fell behind: events dropped from the history", metadata: ["events": "\(dropped)"])
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.apply(batch)
        } catch {
            logger.error("could not record bans, events and log positions", metadata: [
                "bans": "\(batch.reduce(0) { $0 + $1.bans.count })", "error": "\(error)",
            ])
        }
    }
}
