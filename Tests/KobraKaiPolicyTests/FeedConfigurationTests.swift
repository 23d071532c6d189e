import KobraKaiCore
import Testing

@Suite("Configuration: apiban and blocklists")
struct FeedConfigurationTests {
    @Test func defaultsAreOff() throws {
        let configuration = try Configuration.load(from: "{}")
        #expect(!configuration.apiban.enabled && configuration.apiban.url == "https://apiban.org/api")
        #expect(configuration.apiban.banTime == .seconds(7 * 86_400) && configuration.apiban.interval == .seconds(300))
        #expect(configuration.blocklists.files.isEmpty && configuration.blocklists.banTime == .seconds(86_400))
    }

    @Test func apibanSection() throws {
        let configuration = try Configuration.load(from: """
            {"apiban": {"enabled": true, "key_file": "/etc/kobrakai/apiban.key", "url": "http://127.0.0.1:9/api/",
                        "interval": "10m", "ban_time": "3d"}}
            """)
        #expect(configuration.apiban.enabled && configuration.apiban.keyFile == "/etc/kobrakai/apiban.key")
        #expect(configuration.apiban.url == "http://127.0.0.1:9/api")
        #expect(configuration.apiban.interval == .seconds(600) && configuration.apiban.banTime == .seconds(3 * 86_400))
        #expect(configuration.warnings.isEmpty)
    }

    @Test("an interval below the documented rate limit is raised to it with a warning")
    func intervalClamped() throws {
        let configuration = try Configuration.load(from: #"{"apiban": {"interval": "5s", "colour": 1}}"#)
        #expect(configuration.apiban.interval == APIBanConfiguration.minimumInterval)
        #expect(APIBanConfiguration.minimumInterval == .seconds(24))
        #expect(configuration.warnings.map(\.keyPath) == ["apiban.interval", "apiban.colour"])
        #expect(configuration.warnings[0].message.contains("5 requests in 2m"))
    }

    @Test func badValuesNameTheKey() {
        func error(_ text: String) -> String? {
            do { _ = try Configuration.load(from: text); return nil } catch { return error.description }
        }
        #expect(error(#"{"apiban": {"enabled": true}}"#) == "apiban.key: give exactly one of apiban.key and apiban.key_file")
        #expect(error(#"{"apiban": {"key": "a/b"}}"#)?.hasPrefix("apiban.key: must be the key") == true)
        #expect(error(#"{"apiban": {"url": "ftp://x"}}"#)?.hasPrefix("apiban.url:") == true)
        #expect(error(#"{"apiban": {"ban_time": "soon"}}"#)?.hasPrefix("apiban.ban_time: invalid duration") == true)
        #expect(error(#"{"blocklists": {"files": ["relative.txt"]}}"#) == "blocklists.files[0]: must be an absolute path")
        #expect(error(#"{"blocklists": {"files": ["/a/list.txt", "/b/list.txt"]}}"#)?.hasPrefix("blocklists.files[1]:") == true)
        #expect(error(#"{"blocklists": {"interval": "1h", "ban_time": "90m"}}"#)?.hasPrefix("blocklists.ban_time: must be at least twice") == true)
    }

    @Test func blocklistsSection() throws {
        let configuration = try Configuration.load(from: """
            {"blocklists": {"files": ["/etc/kobrakai/blocklist.txt", "/var/lib/feeds/spamhaus-drop.txt"], "interval": "1m", "ban_time": "2h"}}
            """)
        #expect(configuration.blocklists.files.count == 2 && configuration.blocklists.interval == .seconds(60))
        #expect(configuration.blocklists.banTime == .seconds(7200))
        #expect(BlocklistConfiguration.name(of: configuration.blocklists.files[1]) == "spamhaus-drop.txt")
    }
}
