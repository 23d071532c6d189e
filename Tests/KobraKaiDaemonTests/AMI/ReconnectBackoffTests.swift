@testable import KobraKaiDaemon
import Testing

@Suite("ReconnectBackoff")
struct ReconnectBackoffTests {
    @Test("the ceiling doubles per failure up to the maximum and starts over after reset")
    func ceilings() {
        var backoff = ReconnectBackoff(initial: .seconds(5), maximum: .seconds(300), jitter: .full)
        var generator = SeededGenerator(state: 1)
        var ceilings: [Duration] = []
        for _ in 0..<9 {
            ceilings.append(backoff.ceiling)
            _ = backoff.nextDelay(using: &generator)
        }
        #expect(ceilings.map { $0.components.seconds } == [5, 10, 20, 40, 80, 160, 300, 300, 300])
        backoff.reset()
        #expect(backoff.ceiling == .seconds(5))
    }

    @Test("many failures never overflow")
    func noOverflow() {
        var backoff = ReconnectBackoff(initial: .milliseconds(1), maximum: .seconds(3600), jitter: .full)
        var generator = SeededGenerator(state: 2)
        for _ in 0..<200 { _ = backoff.nextDelay(using: &generator) }
        #expect(backoff.ceiling == .seconds(3600))
    }

    @Test("full jitter spreads over 0...ceiling; equal jitter over ceiling/2...ceiling")
    func jitterRanges() {
        var generator = SeededGenerator(state: 3)
        var full: [Duration] = []
        var equal: [Duration] = []
        for _ in 0..<2000 {
            var fullBackoff = ReconnectBackoff(initial: .seconds(10), maximum: .seconds(10), jitter: .full)
            var equalBackoff = ReconnectBackoff(initial: .seconds(10), maximum: .seconds(10), jitter: .equal)
            full.append(fullBackoff.nextDelay(using: &generator))
            equal.append(equalBackoff.nextDelay(using: &generator))
        }
        #expect(full.allSatisfy { $0 >= .zero && $0 <= .seconds(10) })
        #expect(equal.allSatisfy { $0 >= .seconds(5) && $0 <= .seconds(10) })
        // Spread, not a constant: both halves of the range are used.
        #expect(full.contains { $0 < .seconds(2) } && full.contains { $0 > .seconds(8) })
        #expect(equal.contains { $0 < .seconds(6) } && equal.contains { $0 > .seconds(9) })
    }
}
