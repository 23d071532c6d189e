/// One entry of the rule catalogue: what a parser recognised, how bad it is, and where the format comes from.
///
/// A final class rather than a struct: every event carries a reference to its rule through the parser,
/// and copying four strings per event showed up in the scan profile. Identity is the `id`.
public final class DetectionRule: Hashable, Sendable, Identifiable, CustomStringConvertible {
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

    public static func == (lhs: DetectionRule, rhs: DetectionRule) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    public var description: String { id }
}
