import Synchronization

/// Collects values appended from any thread (callbacks, async streams) and lets a test await a condition
/// on them: woken by each append, bounded by a generous timeout, never by sleeping and re-checking.
final class Recorder<Element: Sendable>: Sendable {
    private struct Waiter {
        let id: Int
        let predicate: @Sendable ([Element]) -> Bool
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var items: [Element] = []
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    init() {}

    var items: [Element] { state.withLock { $0.items } }

    func append(_ item: Element) {
        let satisfied = state.withLock { state -> [Waiter] in
            state.items.append(item)
            let items = state.items
            let ready = state.waiters.filter { $0.predicate(items) }
            state.waiters.removeAll { waiter in ready.contains { $0.id == waiter.id } }
            return ready
        }
        for waiter in satisfied { waiter.continuation.resume(returning: true) }
    }

    /// Waits until `predicate` holds for the items so far; returns them, or throws after `timeout`.
    @discardableResult
    func wait(
        for what: String, timeout: Duration = .seconds(30), until predicate: @escaping @Sendable ([Element]) -> Bool
    ) async throws -> [Element] {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        let expiry = Task {
            try? await Task.sleep(for: timeout)
            self.expire(id)
        }
        defer { expiry.cancel() }
        let met = await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if predicate(state.items) { return true }
                state.waiters.append(Waiter(id: id, predicate: predicate, continuation: continuation))
                return false
            }
            if now { continuation.resume(returning: true) }
        }
        let items = self.items
        guard met else { throw TestFailure("timed out after \(timeout) waiting for \(what); have \(items.count): \(items.suffix(8))") }
        return items
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: false)
    }
}
