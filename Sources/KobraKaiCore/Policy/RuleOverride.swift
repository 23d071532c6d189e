/// Per-rule (or per-group) settings that replace the policy defaults for matching events.
///
/// `selector` is a rule id (`pjsip.request.no-endpoint`) or a group written as a prefix ending in `*`
/// (`ami.*`). An exact id wins over a group; among groups the longest prefix wins.
public struct RuleOverride: Hashable, Sendable {
    public var selector: String
    /// Medium-event equivalents needed within `window`; `nil` keeps the default.
    public var threshold: Int?
    public var window: Duration?
    /// Replaces the severity the parser gave (demote a noisy rule, or make one ban on first sight).
    public var severity: Severity?

    public init(selector: String, threshold: Int? = nil, window: Duration? = nil, severity: Severity? = nil) {
        self.selector = selector
        self.threshold = threshold
        self.window = window
        self.severity = severity
    }

    /// True when this override counts its events separately from the default class.
    var hasOwnCounter: Bool { threshold != nil || window != nil }

    var isGroup: Bool { selector.hasSuffix("*") }
}
