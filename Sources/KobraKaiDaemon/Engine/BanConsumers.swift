/// Fans the engine's single `onBansApplied` out to every consumer (CrowdSec watcher, webhook, e-mail), so
/// the engine keeps one closure and the daemon assembly just lists who wants new bans. Each consumer is
/// called in order on the engine's executor and must return at once (they enqueue and return).
public struct BanConsumers: Sendable {
    private var consumers: [@Sendable ([BanRecord]) -> Void] = []

    public init() {}

    public mutating func add(_ consumer: (@Sendable ([BanRecord]) -> Void)?) {
        if let consumer { consumers.append(consumer) }
    }

    /// The closure to give the engine; `nil` when nobody listens (the engine then skips the call).
    public var onBansApplied: (@Sendable ([BanRecord]) -> Void)? {
        let consumers = self.consumers
        switch consumers.count {
        case 0: return nil
        case 1: return consumers[0]
        default: return { records in for consumer in consumers { consumer(records) } }
        }
    }
}
