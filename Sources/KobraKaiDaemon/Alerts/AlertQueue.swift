import Synchronization

/// The bounded hand-off between the ban engine and a slow alert sender: `enqueue` never waits (it runs on
/// the engine's executor, between two ban transactions) and, when the queue is full, drops the OLDEST
/// entries, so that an outage of the receiver costs old alerts rather than memory or banning speed.
/// Drops are counted for the sender to log and export.
final class AlertQueue<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        /// Index of the first live item in `items` (dequeues advance it; compaction is amortised).
        var head = 0
        var droppedSinceLastReport = 0
        var droppedTotal = 0
    }

    let capacity: Int
    private let state = Mutex(State())
    private let wake: AsyncStream<Void>.Continuation
    /// Yields once per burst of enqueues (coalesced); finishes with `close()`.
    let wakeUps: AsyncStream<Void>

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        (wakeUps, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var count: Int { state.withLock { $0.items.count - $0.head } }
    var droppedTotal: Int { state.withLock { $0.droppedTotal } }

    func enqueue(_ elements: some Collection<Element>) {
        guard !elements.isEmpty else { return }
        state.withLock { state in
            state.items.append(contentsOf: elements)
            let excess = state.items.count - state.head - capacity
            if excess > 0 {
                state.head += excess
                state.droppedSinceLastReport += excess
                state.droppedTotal += excess
            }
            Self.compact(&state)
        }
        wake.yield()
    }

    /// Takes up to `limit` of the oldest entries.
    func dequeue(upTo limit: Int) -> [Element] {
        state.withLock { state in
            let end = state.head + min(max(0, limit), state.items.count - state.head)
            let taken = Array(state.items[state.head..<end])
            state.head = end
            Self.compact(&state)
            return taken
        }
    }

    /// Entries dropped since the previous call (for one log line per burst of drops).
    func takeDropCount() -> Int {
        state.withLock { state in
            defer { state.droppedSinceLastReport = 0 }
            return state.droppedSinceLastReport
        }
    }

    func close() { wake.finish() }

    private static func compact(_ state: inout State) {
        if state.head == state.items.count {
            state.items.removeAll(keepingCapacity: true)
            state.head = 0
        } else if state.head > 1024 && state.head * 2 > state.items.count {
            state.items.removeFirst(state.head)
            state.head = 0
        }
    }
}
