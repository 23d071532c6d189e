import Foundation
import KobraKaiNetfilter
import KobraKaiNetfilterTestSupport
import Testing

/// The built `kkset` executable, run as a real process.
enum KKSetBinary {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let rulesetPath = repositoryRoot.appendingPathComponent("nft/kobrakai.nft").path

    /// Next to the test bundle (`.build/<config>/`), where SwiftPM puts every product of the package.
    static var path: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kkset"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("kkset"),
            Bundle.main.bundleURL.appendingPathComponent("kkset"),
            repositoryRoot.appendingPathComponent(".build/debug/kkset"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path
            ?? candidates.last!.path
    }

    /// Runs kkset (optionally behind a wrapper such as setpriv) from `namespace`'s thread, so that it sees
    /// that namespace's ruleset; without a namespace it runs where the test runs (for help text only).
    static func run(_ arguments: [String], in namespace: NetworkNamespaceThread? = nil, input: String? = nil,
                    wrapper: [String] = []) async throws -> ChildProcess.Outcome
    {
        let process = ChildProcess(wrapper + [path] + arguments, standardInput: input)
        guard let namespace else { return try process.run() }
        return try await namespace.run { try process.run() }
    }

    /// A fresh namespace with nft/kobrakai.nft loaded.
    static func namespaceWithRuleset(load: Bool = true) async throws -> NetworkNamespaceThread {
        let namespace: NetworkNamespaceThread
        do {
            namespace = try NetworkNamespaceThread()
        } catch {
            Issue.record("kkset end-to-end tests need a private network namespace (run as root): \(error)")
            throw error
        }
        if load {
            let loaded = try await namespace.run { try ChildProcess(["nft", "-f", rulesetPath]).run() }
            try #require(loaded.status == 0, "\(loaded.standardError)")
        }
        return namespace
    }
}
