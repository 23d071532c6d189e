import KobraKaiAddress
import KobraKaiFirewall
import Dispatch
@testable import KobraKaiNetfilter
import Testing

@Suite("NftablesMonitor reports changes to our table made by others")
struct MonitorKernelTests {
    private func recorder(_ fixture: KernelFixture, receiveBufferBytes: Int = 8 << 20) async throws
        -> ChangeRecorder
    {
        ChangeRecorder(try await fixture.namespace.run { try NftablesMonitor(receiveBufferBytes: receiveBufferBytes) })
    }

    private static func isTableDeleted(_ change: RulesetChange) -> Bool {
        if case .tableDeleted = change { true } else { false }
    }

    @Test("`nft flush ruleset` is reported as our table deleted, by nft, within a second")
    func flushRuleset() async throws {
        let fixture = try await KernelFixture()
        let recorder = try await recorder(fixture)
        try #require(try await fixture.nft(["flush", "ruleset"]).status == 0)
        let changes = await recorder.wait { $0.contains(where: Self.isTableDeleted) }
        guard case .tableDeleted(let origin)? = changes.first(where: Self.isTableDeleted) else {
            Issue.record("no tableDeleted within 1 s: \(changes)")
            return
        }
        #expect(origin.processName == "nft")
        #expect(!origin.isThisProcess)
        // The deleted table implies its sets and rules: they are not reported separately.
        #expect(ChangeRecorder.structural(changes).count == 1)
    }

    @Test("`nft delete table inet kobrakai` is reported within a second")
    func deleteTable() async throws {
        let fixture = try await KernelFixture()
        let recorder = try await recorder(fixture)
        try #require(try await fixture.nft(["delete", "table", "inet", "kobrakai"]).status == 0)
        let changes = await recorder.wait { $0.contains(where: Self.isTableDeleted) }
        #expect(changes.contains(where: Self.isTableDeleted), "\(changes)")
    }

    @Test("Changes to other tables, and to another family's kobrakai table, are only generations")
    func otherTablesIgnored() async throws {
        let fixture = try await KernelFixture()
        let recorder = try await recorder(fixture)
        for command in [["add", "table", "inet", "other"], ["add", "set", "inet", "other", "s", "{ type ipv4_addr; }"],
                        ["add", "chain", "inet", "other", "c"], ["add", "rule", "inet", "other", "c", "ip saddr @s drop"],
                        ["flush", "chain", "inet", "other", "c"], ["delete", "set", "inet", "other", "s"],
                        ["delete", "table", "inet", "other"], ["add", "table", "ip", "kobrakai"],
                        ["delete", "table", "ip", "kobrakai"]]
        {
            try #require(try await fixture.nft(command).status == 0, "nft \(command)")
        }
        let changes = await recorder.waitForGenerations(9)
        #expect(ChangeRecorder.generations(changes) == 9)
        #expect(ChangeRecorder.structural(changes).isEmpty, "\(changes)")
        // The same monitor still sees ours.
        try #require(try await fixture.nft(["delete", "table", "inet", "kobrakai"]).status == 0)
        #expect(await recorder.wait { $0.contains(where: Self.isTableDeleted) }.contains(where: Self.isTableDeleted))
    }

    @Test("Removed rules and deleted sets are reported; reloading the file or installRuleset() is not")
    func rulesAndSets() async throws {
        let fixture = try await KernelFixture()
        let recorder = try await recorder(fixture)
        try #require(try await fixture.nft(["-f", KernelFixture.rulesetPath]).status == 0)
        try await fixture.firewall.installRuleset()
        _ = try await fixture.firewall.ban([BanRequest(target: IPPrefix("192.0.2.7")!, timeout: .seconds(60))])
        var changes = await recorder.waitForGenerations(3)
        #expect(ChangeRecorder.generations(changes) == 3)
        #expect(ChangeRecorder.structural(changes).isEmpty, "\(changes)")
        let own = changes.compactMap { change -> ChangeOrigin? in
            if case .generation(_, let origin) = change { origin } else { nil }
        }
        #expect(own.map(\.isThisProcess) == [false, true, true])

        try #require(try await fixture.nft(["flush", "chain", "inet", "kobrakai", "prerouting"]).status == 0)
        try #require(try await fixture.nft(["delete", "set", "inet", "kobrakai", "ban_net_v6"]).status == 0)
        changes = ChangeRecorder.structural(await recorder.waitForGenerations(5))
        guard changes.count == 2, case .rulesRemoved(let chain, _) = changes[0],
              case .setsDeleted(let sets, _) = changes[1]
        else {
            Issue.record("expected rulesRemoved then setsDeleted, got \(changes)")
            return
        }
        #expect(chain == "prerouting")
        #expect(sets == ["ban_net_v6"])
    }

    @Test("An overrun socket reports notificationsLost and keeps working")
    func overrun() async throws {
        let fixture = try await KernelFixture()
        // A 64 KiB buffer (128 KiB after the kernel doubles it) and a reader held back until the load is done: the
        // element notifications of the load overflow it, a later table deletion fits.
        let gate = DispatchSemaphore(value: 0)
        let recorder = ChangeRecorder(try await fixture.namespace.run {
            try NftablesMonitor(table: KobraKaiRuleset.table, receiveBufferBytes: 64 << 10, readerGate: gate)
        })
        let bans = (0..<10_000).map { index in
            BanRequest(target: IPPrefix(host: .v4(IPv4Address(rawValue: 0x0A00_0000 + UInt32(index)))),
                       timeout: .seconds(60))
        }
        // Let the kernel queue while the reader cannot keep up: the load happens in one actor call.
        #expect(try await fixture.firewall.ban(bans).isEmpty)
        gate.signal()
        let lost = await recorder.wait { $0.contains(.notificationsLost) }
        #expect(lost.contains(.notificationsLost), "\(ChangeRecorder.structural(lost))")
        try await Task.sleep(for: .milliseconds(50))  // drained
        try #require(try await fixture.nft(["delete", "table", "inet", "kobrakai"]).status == 0)
        let after = await recorder.wait { $0.contains(where: Self.isTableDeleted) }
        #expect(after.contains(where: Self.isTableDeleted), "finished: \(recorder.isFinished) \(after)")
    }

    @Test("While suspended nothing is delivered; resume() reports notificationsLost, then changes again")
    func suspendAndResume() async throws {
        let fixture = try await KernelFixture()
        let recorder = try await recorder(fixture)
        try recorder.monitor.suspend()
        #expect(try await fixture.firewall.ban([BanRequest(target: IPPrefix("192.0.2.8")!, timeout: .seconds(60))])
            .isEmpty)
        try #require(try await fixture.nft(["delete", "table", "inet", "kobrakai"]).status == 0)
        try await Task.sleep(for: .milliseconds(100))
        #expect(recorder.changes.isEmpty)
        try recorder.monitor.resume()
        try #require(try await fixture.nft(["-f", KernelFixture.rulesetPath]).status == 0)
        try #require(try await fixture.nft(["flush", "ruleset"]).status == 0)
        let changes = await recorder.wait { $0.contains(where: Self.isTableDeleted) }
        #expect(changes.first == .notificationsLost)
        #expect(changes.contains(where: Self.isTableDeleted), "\(changes)")
    }

    @Test("stop() and cancelling the consuming task end the stream promptly")
    func stopsPromptly() async throws {
        let fixture = try await KernelFixture()
        let recorder = try await recorder(fixture)
        recorder.monitor.stop()
        recorder.monitor.stop()
        // Bounds are generous: "promptly" means no receive timeout or hang, not a latency figure on a shared machine.
        #expect(await recorder.wait(upTo: .seconds(5)) { _ in recorder.isFinished }.isEmpty)
        #expect(recorder.isFinished)
        #expect(throws: FirewallError.self) { try recorder.monitor.suspend() }

        let monitor = try await fixture.namespace.run { try NftablesMonitor() }
        let consumer = Task {
            var count = 0
            for await _ in monitor.changes { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(20))
        let clock = ContinuousClock()
        let start = clock.now
        consumer.cancel()
        _ = await consumer.value
        #expect(clock.now - start < .seconds(5))
    }
}
