import Foundation
import KobraKaiAddress
import KobraKaiCore
import Testing

/// The parsing half (rule catalogue) and the policy half (defaults, example, documentation) must name the
/// same rules: an override for an id no parser emits silently does nothing.
@Suite("Rule catalogue and policy agree")
struct CatalogueConsistencyTests {
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let catalogueIDs = Set(RuleCatalogue.all.map(\.id))

    /// Exact ids must exist; a group (`ami.*`) must cover at least one rule.
    private static func exists(_ selector: String, extra: [String] = []) -> Bool {
        let known = catalogueIDs.union(extra)
        guard selector.hasSuffix("*") else { return known.contains(selector) }
        return known.contains { $0.hasPrefix(selector.dropLast()) }
    }

    @Test func everyRuleIDInTheExampleFileExists() throws {
        let bytes = try [UInt8](Data(contentsOf: Self.repository.appendingPathComponent("examples/kobrakai.json")))
        let configuration = try Configuration.load(from: bytes)
        let patterns = configuration.patterns.map(\.ruleID)
        #expect(!configuration.policy.rules.isEmpty)
        for override in configuration.policy.rules {
            #expect(Self.exists(override.selector, extra: patterns), "examples/kobrakai.json names \(override.selector)")
        }
        for id in configuration.policy.trust.successRules {
            #expect(Self.exists(id), "examples/kobrakai.json success_rules names \(id)")
        }
        #expect(!configuration.warnings.contains { $0.keyPath.hasPrefix("policy.rules") })
    }

    @Test func everyRuleIDInTheConfigurationGuideExists() throws {
        let text = try String(
            contentsOf: Self.repository.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        // Rule ids are written in backticks, optionally quoted: `"pjsip.request.no-endpoint"`, `ami.*`.
        let services = ["pjsip", "sip", "iax2", "ami", "security", "kamailio", "opensips", "freeswitch", "freepbx"]
        let candidates = text.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map {
            $0.element.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        let ids = candidates.filter { candidate in
            services.contains { candidate.hasPrefix($0 + ".") }
                && candidate.allSatisfy { $0.isLowercase || $0.isNumber || "-.*".contains($0) }
        }
        #expect(ids.count >= 4, "the guide should show rule ids: \(ids)")
        for id in ids { #expect(Self.exists(id), "docs/configuration.md names \(id)") }
    }

    @Test func theDefaultTrustRulesAreTheCatalogueSuccessfulAuthentication() throws {
        let defaults = PolicyConfiguration().trust.successRules
        #expect(defaults == RuleCatalogue.successfulAuthentication.map(\.id))
        #expect(defaults == ["security.successful-auth"])
        for rule in RuleCatalogue.successfulAuthentication { #expect(rule.severity == .informational) }
    }

    @Test func anOperatorPatternNamedLikeSuccessDoesNotEarnTrust() throws {
        var policy = try makePolicy()
        _ = policy.observe(event("198.51.100.40", rule: "custom:unsuccessful-auth", severity: .informational), now: at(0))
        #expect(feed(&policy, event("198.51.100.40"), count: 5, start: 1).count == 1, "no trusted multiplier")
    }

    /// Feeds every catalogue rule's event from its own address into a default policy: each severity must
    /// do what the documentation says (high: first event; medium: `threshold`; low: `threshold / low_weight`;
    /// informational: never).
    @Test func everyCatalogueSeverityIsHandledByThePolicy() throws {
        let defaults = PolicyConfiguration()
        var policy = try BanPolicy(configuration: defaults)
        #expect(Set(RuleCatalogue.all.map(\.severity)) == Set(Severity.allCases), "the catalogue uses every level")
        for (index, rule) in RuleCatalogue.all.enumerated() {
            let address = "198.18.\(index / 200).\(index % 200 + 1)"
            let sample = SecurityEvent(
                time: nil, address: ip(address), origin: .logFile, service: rule.service, rule: rule.id,
                severity: rule.severity)
            let expected: Int?
            switch rule.severity {
            case .high: expected = 1
            case .medium: expected = defaults.threshold
            case .low: expected = Int((Double(defaults.threshold) / defaults.lowWeight).rounded())
            case .informational: expected = nil
            }
            var bannedAt: Int?
            for count in 1...100 where bannedAt == nil {
                if !policy.observe(sample, now: at(Double(index) * 1000 + Double(count) * 0.1)).isEmpty { bannedAt = count }
            }
            #expect(bannedAt == expected, "\(rule.id) (\(rule.severity))")
        }
    }

    @Test func overridesNamingNoRuleOrGroupWarn() throws {
        let configuration = try Configuration.load(
            from: #"""
                {"patterns": [{"name": "sbc", "pattern": "Blocking traffic from <HOST>"}],
                 "policy": {"rules": {
                    "pjsip.request.no-endpoint": {"threshold": 3}, "ami.*": {"threshold": 2}, "custom:sbc": {"severity": "high"},
                    "custom:*": {"threshold": 2}, "pjsip-no-endpoint": {"threshold": 3}, "asterisk.*": {"threshold": 2}},
                  "trust": {"success_rules": ["security.successful-auth", "successful-login"]}}}
                """#)
        #expect(
            configuration.warnings.map(\.keyPath) == [
                "policy.rules.pjsip-no-endpoint", "policy.rules.asterisk.*", "policy.trust.success_rules[1]",
            ])
        #expect(configuration.warnings[0].message.contains("\"pjsip-no-endpoint\""))
        _ = try configuration.makePolicy()
    }
}
