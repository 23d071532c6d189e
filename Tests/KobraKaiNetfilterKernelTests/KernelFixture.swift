import Foundation
import KobraKaiFirewall
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport
import Testing

/// A private network namespace with the shipped ruleset loaded and a firewall bound to it.
///
/// Creating the namespace needs root (CI runs as root): if it fails the test FAILS with the reason, it is
/// never skipped silently.
struct KernelFixture {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let rulesetPath = repositoryRoot.appendingPathComponent("nft/kobrakai.nft").path

    let namespace: NetworkNamespaceThread
    let firewall: NftablesFirewall

    init(loadRuleset: Bool = true, features: KernelFeatures? = nil,
         limits: TransactionLimits = .standard) async throws
    {
        do {
            namespace = try NetworkNamespaceThread()
        } catch {
            Issue.record("kernel tests need a private network namespace (run as root): \(error)")
            throw error
        }
        if loadRuleset {
            let loaded = try await Self.nft(in: namespace, ["-f", Self.rulesetPath])
            try #require(loaded.status == 0, "nft -f nft/kobrakai.nft failed: \(loaded.standardError)")
        }
        firewall = try await namespace.run { try NftablesFirewall(limits: limits, features: features) }
    }

    /// Runs `nft` inside this fixture's namespace.
    func nft(_ arguments: [String], input: String? = nil) async throws -> ChildProcess.Outcome {
        try await Self.nft(in: namespace, arguments, input: input)
    }

    static func nft(in namespace: NetworkNamespaceThread, _ arguments: [String], input: String? = nil) async throws
        -> ChildProcess.Outcome
    {
        try await namespace.run { try ChildProcess(["nft"] + arguments, standardInput: input).run() }
    }

    /// `nft list set inet kobrakai NAME` output.
    func listSet(_ name: String) async throws -> String {
        let outcome = try await nft(["list", "set", "inet", "kobrakai", name])
        try #require(outcome.status == 0, "nft list set failed: \(outcome.standardError)")
        return outcome.standardOutput
    }
}
