import Synchronization

/// What the server's thread and the test share: the stop flag and the requests received.
final class LoopbackHTTPServerState: Sendable {
    let stopped = Mutex(false)
    let received = Mutex<[HTTPTestRequest]>([])
}
