/// Which part of the policy decided a ban.
public enum BanKind: String, Hashable, Sendable, CaseIterable {
    /// A high-severity event: banned on first sight.
    case firstEvent = "first-event"
    /// Enough weighted events within the rule's window.
    case threshold
    /// Too many distinct accounts tried from one address.
    case enumeration
    /// Enough banned hosts in one network: the network is banned.
    case subnet
}
