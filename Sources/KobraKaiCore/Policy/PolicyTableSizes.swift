/// How full the policy's bounded tables are (metrics gauges; compare with `PolicyLimits`).
public struct PolicyTableSizes: Hashable, Sendable {
    public var trackedAddresses: Int
    public var offenders: Int
    public var subnets: Int
    public var trustedAddresses: Int
    public var accountPairs: Int

    public init(trackedAddresses: Int, offenders: Int, subnets: Int, trustedAddresses: Int, accountPairs: Int) {
        self.trackedAddresses = trackedAddresses
        self.offenders = offenders
        self.subnets = subnets
        self.trustedAddresses = trustedAddresses
        self.accountPairs = accountPairs
    }
}
