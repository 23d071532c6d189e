import Foundation
import ServiceLifecycle

/// Runs a service in a task for the length of a test.
final class RunningService: Sendable {
    let task: Task<Void, any Error>

    init(_ service: some Service) {
        task = Task { try await service.run() }
    }

    /// Cancels the service and waits for `run()` to return.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// Waits until `path` exists (a server finished binding), up to `timeout`.
func waitForFile(_ path: String, timeout: Duration = .seconds(10)) async throws {
    let deadline = ContinuousClock.now + timeout
    while !FileManager.default.fileExists(atPath: path) {
        guard ContinuousClock.now < deadline else { throw TestFailure("\(path) did not appear") }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// Runs blocking client code (sockets, child processes) off the cooperative pool, which the server under
/// test needs.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue(label: "test.blocking").async { continuation.resume(with: Result { try body() }) }
    }
}
