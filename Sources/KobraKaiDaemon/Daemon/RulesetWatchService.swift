import ServiceLifecycle

/// Repairs the ruleset as soon as the backend reports a change that may have removed the table or a set
/// (`nft flush ruleset`, `systemctl reload nftables`), instead of waiting for the next ban to fail.
struct RulesetWatchService: Service {
    let rulesetGuard: any RulesetGuard
    let engine: BanEngine

    func run() async throws {
        for await _ in rulesetGuard.rulesetChanges().cancelOnGracefulShutdown() {
            // Repair outright: a removed rule leaves every set in place, so a check would find nothing wrong.
            await engine.repairRuleset(trigger: "nftables change notification")
        }
        // A backend without notifications ends its stream at once: stay until shutdown (a service that
        // returns early would stop the daemon).
        try? await gracefulShutdown()
    }
}
