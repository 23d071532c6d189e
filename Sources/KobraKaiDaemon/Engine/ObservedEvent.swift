import KobraKaiCore

/// An event as the engine saw it, kept in a small ring for `test-ip` ("what did we see from it?").
public struct ObservedEvent: Hashable, Sendable {
    /// When the daemon received it (the clock the policy runs on).
    public var receivedAt: Timestamp
    /// The event, with the time its source printed (if any).
    public var event: SecurityEvent

    public init(receivedAt: Timestamp, event: SecurityEvent) {
        self.receivedAt = receivedAt
        self.event = event
    }
}
