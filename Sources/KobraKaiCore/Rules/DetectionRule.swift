/// One entry of the rule catalogue: what a parser recognised, how bad it is, and where the format comes from.
public struct DetectionRule: Hashable, Sendable, Identifiable {
    /// Stable id printed by `kobrakai scan` and used by the policy (`service.area.what`).
    public let id: String
    public let service: EventService
    public let severity: Severity
    /// The message shape it matches (format string or a faithful paraphrase).
    public let matches: String
    /// Why this severity: the reasoning an operator needs before tuning the policy.
    public let rationale: String

    public init(id: String, service: EventService, severity: Severity, matches: String, rationale: String) {
        self.id = id
        self.service = service
        self.severity = severity
        self.matches = matches
        self.rationale = rationale
    }
}
