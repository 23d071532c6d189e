/// What the daemon plugs into the control socket: one answer per request. Requests from one connection are
/// handled in order; different connections may call concurrently.
public protocol ControlRequestHandler: Sendable {
    func handle(_ request: ControlRequest) async -> ControlResponse
}
