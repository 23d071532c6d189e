import KobraKaiDaemon
import Testing

@Suite("Request budget (APIBAN's 5 requests in 2 minutes)")
struct RequestBudgetTests {
    @Test("the sixth request in a window waits until the first leaves it")
    func slidingWindow() {
        let start = ContinuousClock.now
        var budget = RequestBudget(limit: 5, window: .seconds(120))
        for second in [0, 10, 20, 30, 40] {
            #expect(budget.delay(at: start + .seconds(second)) == .zero)
            budget.record(at: start + .seconds(second))
        }
        #expect(budget.delay(at: start + .seconds(50)) == .seconds(70))
        #expect(budget.delay(at: start + .seconds(120)) == .zero)
        budget.record(at: start + .seconds(120))
        #expect(budget.delay(at: start + .seconds(121)) == .seconds(9), "the request at 10 s leaves at 130 s")
    }

    @Test("a 429 spends the whole window")
    func exhausted() {
        let start = ContinuousClock.now
        var budget = RequestBudget(limit: 5, window: .seconds(120))
        budget.record(at: start)
        budget.exhaust(at: start + .seconds(30))
        #expect(budget.delay(at: start + .seconds(30)) == .seconds(120))
        #expect(budget.delay(at: start + .seconds(150)) == .zero)
    }
}
