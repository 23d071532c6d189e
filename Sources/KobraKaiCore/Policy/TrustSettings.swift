/// Trust learning: an address that authenticated successfully recently is probably a customer site
/// (an office NAT with many phones), so one misconfigured phone must not ban it as fast as a stranger.
public struct TrustSettings: Hashable, Sendable {
    public var enabled = true
    /// How long a successful authentication keeps an address trusted.
    public var duration: Duration = .seconds(3600)
    /// Thresholds (events and enumeration accounts) are multiplied by this for trusted addresses.
    public var multiplier = 4
    /// When false (the default), a high-severity event still bans a trusted address at once: high rules
    /// are unambiguous attack signatures, and a compromised device inside the office is still an attack.
    /// When true, such an event counts as a medium one under the trusted threshold instead.
    public var appliesToHighSeverity = false
    /// Informational rule ids (`*` wildcards, case-insensitive) that mean "authenticated successfully".
    /// The default names the catalogue's rule by id (`security.successful-auth`) rather than guessing
    /// from words in ids: an operator pattern called `unsuccessful-auth` must not earn trust.
    public var successRules: [String] = RuleCatalogue.successfulAuthentication.map(\.id)

    public init() {}
}
