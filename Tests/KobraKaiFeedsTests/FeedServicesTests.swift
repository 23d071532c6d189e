import Foundation
import KobraKaiAddress
import KobraKaiCore
import KobraKaiDaemon
import KobraKaiFirewall
import Testing

/// What `kobrakai run` builds from the `apiban` and `blocklists` sections.
@Suite("Feed services in the daemon")
struct FeedServicesTests {
    static func engine(_ store: StateStore, _ firewall: InMemoryFirewall) throws -> BanEngine {
        BanEngine(events: AsyncStream { $0.finish() }, policy: CorePolicyAdapter(policy: try Configuration().makePolicy()),
                  firewall: firewall, store: store, allowlist: ProtectedAddresses([]), tick: .zero)
    }

    @Test("off by default: no services, status says disabled")
    func disabledByDefault() async throws {
        let directory = try TemporaryDirectory()
        let firewall = InMemoryFirewall()
        let store = try StateStore(directory: directory.path)
        let feeds = try FeedServices.make(Configuration(), firewall: firewall, store: store, engine: try Self.engine(store, firewall))
        #expect(feeds.apiban == nil && feeds.blocklists == nil && feeds.services.isEmpty)
        #expect(feeds.controlValues["apiban"] == .string("disabled") && feeds.controlValues["blocklists"] == .array([]))
    }

    @Test("the key file is refused when other users can read it (exit 78, naming apiban.key_file), accepted at 0600")
    func keyFileChecked() async throws {
        let directory = try TemporaryDirectory()
        let firewall = InMemoryFirewall()
        let store = try StateStore(directory: directory.path)
        let engine = try Self.engine(store, firewall)
        let keyFile = directory.file("apiban.key")
        try directory.write("Abc123-key\n", to: "apiban.key")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile)
        var configuration = Configuration()
        configuration.apiban.enabled = true
        configuration.apiban.keyFile = keyFile
        configuration.blocklists.files = [directory.file("list.txt")]
        let refused = #expect(throws: DaemonStartupError.self) {
            try FeedServices.make(configuration, firewall: firewall, store: store, engine: engine)
        }
        #expect(refused?.exitCode == 78)
        #expect(refused?.message.hasPrefix("apiban.key_file \(keyFile) is accessible to other users") == true)
        #expect(refused?.message.contains("Abc123-key") == false)

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        let feeds = try FeedServices.make(configuration, firewall: firewall, store: store, engine: engine)
        #expect(feeds.apiban != nil && feeds.blocklists != nil && feeds.services.count == 2)
        #expect(feeds.controlValues["apiban"]?["state"] == .string("starting"))
    }
}

@Suite("Feed bans in the ban history")
struct FeedHistoryTests {
    @Test("a blocklist ban made through the daemon's feed services is recorded with origin blocklist")
    func blocklistBanRecorded() async throws {
        let directory = try TemporaryDirectory()
        let firewall = InMemoryFirewall()
        let store = try StateStore(directory: directory.path)
        try directory.write("203.0.113.9\n", to: "list.txt")
        var configuration = Configuration()
        configuration.blocklists.files = [directory.file("list.txt")]
        let feeds = try FeedServices.make(configuration, firewall: firewall, store: store,
                                          engine: try FeedServicesTests.engine(store, firewall))
        try await #require(feeds.blocklists).synchronize()
        let recorded = await eventually { (try? await store.banHistory())?.contains { $0.origin == "blocklist" } == true }
        #expect(recorded)
        let history = try await store.banHistory()
        #expect(history.map(\.target) == [IPPrefix("203.0.113.9")!])
        #expect(history.map(\.origin) == ["blocklist"])
    }
}
