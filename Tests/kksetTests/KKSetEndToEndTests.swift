import Foundation
import Testing

@Suite("kkset as a real binary in a private network namespace")
struct KKSetEndToEndTests {
    @Test("add, list --json, test, del and flush with their exit codes")
    func lifecycle() async throws {
        let namespace = try await KKSetBinary.namespaceWithRuleset()
        let added = try await KKSetBinary.run(["add", "192.0.2.7", "2001:db8::7", "198.51.100.0/24",
                                               "--timeout", "10m", "--comment", "e2e \"quoted\""], in: namespace)
        #expect(added.status == 0, "\(added.standardError)")

        let listed = try await KKSetBinary.run(["list", "--json"], in: namespace)
        #expect(listed.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        #expect(Set(json.compactMap { $0["address"] as? String }) == ["192.0.2.7", "2001:db8::7", "198.51.100.0/24"])
        for object in json {
            #expect(Set(object.keys) == ["address", "timeout", "expires", "comment"])
            #expect((object["timeout"] as? NSNumber)?.doubleValue == 600)
            let expires = try #require((object["expires"] as? NSNumber)?.doubleValue)
            #expect(expires > 590 && expires <= 600)
            #expect(object["comment"] as? String == "e2e \"quoted\"")
        }

        let human = try await KKSetBinary.run(["list"], in: namespace)
        #expect(human.standardOutput.hasPrefix("ADDRESS"))
        #expect(human.standardOutput.contains("198.51.100.0/24"))

        #expect(try await KKSetBinary.run(["test", "198.51.100.200"], in: namespace).status == 0)
        #expect(try await KKSetBinary.run(["test", "2001:db8::7"], in: namespace).status == 0)
        #expect(try await KKSetBinary.run(["test", "192.0.2.8"], in: namespace).status == 1)

        #expect(try await KKSetBinary.run(["del", "192.0.2.7", "192.0.2.99"], in: namespace).status == 0)
        #expect(try await KKSetBinary.run(["test", "192.0.2.7"], in: namespace).status == 1)
        #expect(try await KKSetBinary.run(["flush"], in: namespace).status == 0)
        let empty = try await KKSetBinary.run(["list", "--json"], in: namespace)
        #expect(empty.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test("Entries without a timeout or comment list as null")
    func nulls() async throws {
        let namespace = try await KKSetBinary.namespaceWithRuleset()
        let manual = try await namespace.run {
            try ChildProcessShim.nft(["add", "element", "inet", "kobrakai", "ban_v4", "{ 192.0.2.77 }"])
        }
        #expect(manual == 0)
        let listed = try await KKSetBinary.run(["list", "--json"], in: namespace)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        #expect(json.count == 1)
        #expect(json.first?["timeout"] is NSNull)
        #expect(json.first?["expires"] is NSNull)
        #expect(json.first?["comment"] is NSNull)
    }

    @Test("Exit codes: 65 bad address, 64 usage, 69 ruleset missing with the load hint, 77 without CAP_NET_ADMIN")
    func exitCodes() async throws {
        let loaded = try await KKSetBinary.namespaceWithRuleset()
        #expect(try await KKSetBinary.run(["add", "192.0.2.300"], in: loaded).status == 65)
        #expect(try await KKSetBinary.run(["test", "not-an-ip"], in: loaded).status == 65)
        #expect(try await KKSetBinary.run(["add", "10.0.0.1/8"], in: loaded).status == 65)  // host bits set
        #expect(try await KKSetBinary.run(["add", "--timeout", "soon", "192.0.2.1"], in: loaded).status == 64)
        #expect(try await KKSetBinary.run(["frobnicate"], in: loaded).status == 64)
        #expect(try await KKSetBinary.run(["add"], in: loaded).status == 64)

        let bare = try await KKSetBinary.namespaceWithRuleset(load: false)
        let missing = try await KKSetBinary.run(["list"], in: bare)
        #expect(missing.status == 69)
        #expect(missing.standardError.contains("nft -f /etc/nftables.d/kobrakai.nft"))
        #expect(try await KKSetBinary.run(["add", "192.0.2.1"], in: bare).status == 69)

        let denied = try await KKSetBinary.run(["add", "192.0.2.1"], in: loaded,
                                               wrapper: ["setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin"])
        #expect(denied.status == 77, "\(denied.standardError)")
        #expect(denied.standardError.contains("CAP_NET_ADMIN"))
    }

    @Test("The allowlist refuses bans unless forced")
    func allowlist() async throws {
        let namespace = try await KKSetBinary.namespaceWithRuleset()
        #expect(try await KKSetBinary.run(["allow", "add", "10.0.0.0/8", "--comment", "office"], in: namespace).status == 0)
        let refused = try await KKSetBinary.run(["add", "10.1.2.3"], in: namespace)
        #expect(refused.status == 65)
        #expect(refused.standardError.contains("allowlist"))
        #expect(try await KKSetBinary.run(["add", "0.0.0.0/0"], in: namespace).status == 65)  // contains it
        #expect(try await KKSetBinary.run(["test", "10.1.2.3"], in: namespace).status == 1)
        #expect(try await KKSetBinary.run(["add", "--force", "10.1.2.3"], in: namespace).status == 0)
        let listed = try await KKSetBinary.run(["allow", "list", "--json"], in: namespace)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        #expect(json.first?["address"] as? String == "10.0.0.0/8")
        #expect(json.first?["comment"] as? String == "office")
        #expect(try await KKSetBinary.run(["allow", "del", "10.0.0.0/8"], in: namespace).status == 0)
        #expect(try await KKSetBinary.run(["add", "10.1.2.4"], in: namespace).status == 0)
    }

    @Test("load reports the count and every rejected line with its number")
    func load() async throws {
        let namespace = try await KKSetBinary.namespaceWithRuleset()
        #expect(try await KKSetBinary.run(["allow", "add", "10.0.0.0/8"], in: namespace).status == 0)
        let list = """
            # scanners seen today
            192.0.2.1
            192.0.2.2   # second

            not-an-address
            10.9.9.9
            2001:db8::/64
            198.51.100.0/24
            198.51.100.0/25
            """
        let loaded = try await KKSetBinary.run(["load", "-", "--timeout", "2h"], in: namespace, input: list)
        #expect(loaded.status == 65)
        #expect(loaded.standardOutput.contains("banned 4 for 2h, rejected 3 line(s)"))
        #expect(loaded.standardError.contains("line 5: invalid address 'not-an-address'"))
        #expect(loaded.standardError.contains("line 6: 10.9.9.9 overlaps allowlist entry 10.0.0.0/8"))
        #expect(loaded.standardError.contains("line 9: 198.51.100.0/25 overlaps"))
        let listed = try await KKSetBinary.run(["list", "--json"], in: namespace)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        #expect(json.count == 4)
        #expect(json.allSatisfy { ($0["timeout"] as? NSNumber)?.intValue == 7200 })
    }
}
