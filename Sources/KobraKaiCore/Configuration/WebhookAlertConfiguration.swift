/// `alerts.webhook`: one HTTP POST with a JSON array of the bans applied within `batchWindow`.
public struct WebhookAlertConfiguration: Hashable, Sendable {
    /// An http:// or https:// URL.
    public var url: String
    /// Extra request headers (e.g. `Authorization`), in file order. Names are HTTP tokens, values have no
    /// control characters (checked at load time).
    public var headers: [Header] = []
    /// How long the sender waits after the first ban of a batch for more to join it.
    public var batchWindow: Duration = .seconds(2)
    /// Per-request deadline (connect, send, response).
    public var timeout: Duration = .seconds(10)
    /// Bans waiting to be sent at most; beyond it the oldest are dropped (counted and logged).
    public var queueCapacity = 10_000
    /// Bans in one POST at most.
    public var maxBatch = 500

    public struct Header: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(url: String) { self.url = url }
}
