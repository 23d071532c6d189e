import KobraKaiCrowdSec
import Testing

@Suite("Retry backoff with full jitter")
struct RetryBackoffTests {
    @Test("the ceiling doubles up to the maximum; each delay is drawn below it; reset starts over")
    func doubling() {
        var backoff = RetryBackoff(initial: .seconds(1), maximum: .seconds(10))
        var ceilings: [Duration] = []
        for _ in 0..<6 {
            ceilings.append(backoff.ceiling)
            let delay = backoff.nextDelay()
            #expect(delay > .zero && delay <= ceilings.last!)
        }
        #expect(ceilings == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        backoff.reset()
        #expect(backoff.ceiling == .seconds(1) && backoff.failures == 0)
    }
}
