/// A rule that matched, with the fields read from server-controlled positions.
struct RuleHit {
    var rule: DetectionRule
    var source: SourceAddress
    /// Attacker-written account/extension text, kept only for counting distinct accounts.
    var account: TextSpan?
    /// Overrides the rule's default service (security events name their own).
    var service: EventService?
    /// A more precise time than the envelope's (a security event's EventTV).
    var time: Timestamp?

    init(
        _ rule: DetectionRule, _ source: SourceAddress, account: TextSpan? = nil, service: EventService? = nil,
        time: Timestamp? = nil
    ) {
        self.rule = rule
        self.source = source
        self.account = account
        self.service = service
        self.time = time
    }
}
