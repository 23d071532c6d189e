/// Account enumeration: one address trying many different accounts is an attack even when each
/// account is tried only once (so no per-rule threshold is reached).
public struct EnumerationSettings: Hashable, Sendable {
    public var enabled = true
    /// Distinct accounts from one address within `window` that ban it.
    public var accounts = 8
    public var window: Duration = .seconds(300)

    public init() {}
}
