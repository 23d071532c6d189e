/// Resolves an event's rule id to the settings that apply to it (default, group or exact override).
///
/// Rule ids come from the catalogue and the configuration, not from attackers, but the cache is still
/// capped so that no input can grow it without bound.
struct RuleResolver: Sendable {
    struct ResolvedRule {
        /// Events of one class share one counter per address: 0 is the default class.
        var classIndex: UInt16
        var thresholdPoints: Int
        var window: Duration
        var severityOverride: Severity?
        var isSuccessfulAuthentication: Bool
    }

    /// Points of one medium event; a low event is worth `lowWeight` of it.
    static let mediumPoints: Int32 = 100

    private let configuration: PolicyConfiguration
    private var exact: [String: Int] = [:]
    /// Group overrides as (prefix without '*', index), longest prefix first.
    private var groups: [(prefix: String, index: Int)] = []
    private var cache: [String: ResolvedRule] = [:]
    private static let cacheLimit = 4096

    /// The longest window any class or the enumeration detector uses: counters older than this are dead.
    let longestWindow: Duration

    init(configuration: PolicyConfiguration) {
        self.configuration = configuration
        var longest = configuration.window
        for (index, rule) in configuration.rules.enumerated() {
            if rule.isGroup {
                groups.append((String(rule.selector.dropLast()), index))
            } else {
                exact[rule.selector] = index
            }
            if let window = rule.window, window > longest { longest = window }
        }
        groups.sort { $0.prefix.count > $1.prefix.count }
        if configuration.enumeration.enabled && configuration.enumeration.window > longest {
            longest = configuration.enumeration.window
        }
        longestWindow = longest
    }

    mutating func resolve(_ rule: String) -> ResolvedRule {
        if let cached = cache[rule] { return cached }
        let resolved = compute(rule)
        if cache.count < Self.cacheLimit { cache[rule] = resolved }
        return resolved
    }

    private func compute(_ rule: String) -> ResolvedRule {
        var index = exact[rule]
        if index == nil {
            index = groups.first(where: { rule.hasPrefix($0.prefix) })?.index
        }
        let isSuccess = configuration.trust.successRules.contains { WildcardName.matches(rule, pattern: $0) }
        guard let index else {
            return ResolvedRule(
                classIndex: 0, thresholdPoints: configuration.threshold * Int(Self.mediumPoints),
                window: configuration.window, severityOverride: nil, isSuccessfulAuthentication: isSuccess)
        }
        let override = configuration.rules[index]
        return ResolvedRule(
            classIndex: override.hasOwnCounter ? UInt16(truncatingIfNeeded: index + 1) : 0,
            thresholdPoints: (override.threshold ?? configuration.threshold) * Int(Self.mediumPoints),
            window: override.window ?? configuration.window,
            severityOverride: override.severity,
            isSuccessfulAuthentication: isSuccess)
    }
}
