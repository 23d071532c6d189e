import Foundation
import KobraKaiDaemon
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

/// Starts a control server and returns once it accepts connections.
func startControlServer(
    configuration: ControlServerConfiguration, handler: any ControlRequestHandler
) async throws -> RunningService {
    let (listening, signal) = AsyncStream<Void>.makeStream()
    let service = RunningService(ControlServer(configuration: configuration, handler: handler, onListening: { signal.yield() }))
    var iterator = listening.makeAsyncIterator()
    guard await iterator.next() != nil else { throw TestFailure("control server did not start") }
    return service
}

/// Runs blocking client code (sockets, child processes) off the cooperative pool, which the server under
/// test needs.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue(label: "test.blocking").async { continuation.resume(with: Result { try body() }) }
    }
}
