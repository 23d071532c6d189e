/// Finds rule ids in a configuration that no rule can ever carry (a typo, or an id from another version).
///
/// They are warnings, not errors: an override that matches nothing changes nothing, and refusing to start
/// over it would take the PBX's protection down. Known ids are the built-in catalogue's plus
/// `custom:<name>` for every configured pattern.
enum RuleReferenceCheck {
    static func warnings(for configuration: Configuration) -> [ConfigurationWarning] {
        let known = RuleCatalogue.all.map(\.id) + configuration.patterns.map(\.ruleID)
        var warnings: [ConfigurationWarning] = []
        for override in configuration.policy.rules {
            let selector = override.selector
            let matched =
                override.isGroup
                ? known.contains { $0.hasPrefix(selector.dropLast()) }
                : known.contains(selector)
            guard !matched else { continue }
            let kind = override.isGroup ? "group" : "rule id"
            warnings.append(
                ConfigurationWarning(
                    keyPath: "policy.rules.\(selector)",
                    message: "unknown \(kind) \"\(selector)\": no built-in rule or pattern has it (see `kobrakai rules`); ignored"))
        }
        for (index, pattern) in configuration.policy.trust.successRules.enumerated()
        where !known.contains(where: { WildcardName.matches($0, pattern: pattern) }) {
            warnings.append(
                ConfigurationWarning(
                    keyPath: "policy.trust.success_rules[\(index)]",
                    message: "unknown rule id \"\(pattern)\": no built-in rule or pattern has it (see `kobrakai rules`)"))
        }
        return warnings
    }
}
