import Glibc
import KobraKaiAddress
import KobraKaiFirewall

/// The production `Firewall`: bans live as elements of the nftables sets of `table inet kobrakai`
/// (nft/kobrakai.nft), programmed over one long-lived netlink socket; the kernel expires them.
///
/// Hosts go to `ban_v4`/`ban_v6` (hash sets with timeouts), prefixes to `ban_net_v4`/`ban_net_v6`
/// (interval sets) as a start plus an INTERVAL_END element. Re-banning restarts the timeout with whatever
/// `KernelFeatures.refreshStrategy` the running kernel supports, detected when the firewall is created.
///
/// Create it on the thread whose network namespace it should manage: the socket stays bound there.
public actor NftablesFirewall: Firewall {
    /// The longest timeout accepted (ten years); the kernel refuses values near 2^62 ms with ERANGE.
    public static let maximumTimeout = Duration.seconds(10 * 365 * 86_400)

    public nonisolated let features: KernelFeatures
    public nonisolated let limits: TransactionLimits
    /// How many times replies were lost (ENOBUFS, missing ACKs) and the outcome was settled by listing.
    public internal(set) var reconciliations = 0
    let channel: SetElementChannel

    /// Opens the socket and probes the kernel's features.
    /// - Parameter features: skip the probe and use these (tests pin a strategy this way).
    public init(limits: TransactionLimits = .standard, features: KernelFeatures? = nil) throws(FirewallError) {
        let socket = try NetlinkSocket()
        self.limits = limits
        channel = SetElementChannel(socket: socket, table: KobraKaiRuleset.table, limits: limits)
        if let features {
            self.features = features
        } else {
            self.features = try KernelFeatures.probe()
        }
    }

    public func verify() async throws(FirewallError) {
        for setName in KobraKaiRuleset.allSets {
            try channel.verifySetExists(setName)
        }
    }

    /// Adds or refreshes bans. The corresponding netlink message is `NFT_MSG_NEWSETELEM`.
    public func ban(_ requests: [BanRequest]) async throws(FirewallError) -> [RejectedBan] {
        try applyBans(requests, leading: [])
    }

    /// Validates, encodes and applies bans, `limits.requestsPerSlice` at a time; `leading` messages (the
    /// ruleset) go into the first transaction.
    func applyBans(_ requests: [BanRequest], leading: [BatchMessage]) throws(FirewallError) -> [RejectedBan] {
        var rejected: [RejectedBan] = []
        var leading = leading
        var sliceStart = requests.startIndex
        repeat {  // at least once: a restore of no bans still sends the ruleset
            let sliceEnd = sliceStart + min(limits.requestsPerSlice, requests.endIndex - sliceStart)
            rejected += try applySlice(requests, sliceStart..<sliceEnd, leading: leading)
            leading = []
            sliceStart = sliceEnd
        } while sliceStart < requests.endIndex
        return rejected
    }

    private func applySlice(_ requests: [BanRequest], _ slice: Range<Int>,
                            leading: [BatchMessage]) throws(FirewallError) -> [RejectedBan]
    {
        var rejected: [RejectedBan] = []
        var units: [ElementUnit] = []
        units.reserveCapacity(slice.count)
        for index in slice {
            let request = requests[index]
            if let problem = Self.problem(with: request) {
                rejected.append(RejectedBan(request: request, error: FirewallError(.invalidElement, problem)))
                continue
            }
            units.append(banUnit(request, owner: index))
        }
        do {
            let refused = try channel.apply(units, leading: leading)
            for (unitIndex, error) in refused.sorted(by: { $0.key < $1.key }) {
                rejected.append(RejectedBan(request: requests[units[unitIndex].owner], error: error))
            }
        } catch where error.code == .outcomeUnknown {
            rejected += try reconcile(requests, units: units)
        }
        return rejected
    }

    /// Removes bans; absent targets are ignored. The corresponding netlink message is
    /// `NFT_MSG_DESTROYSETELEM` (or `NFT_MSG_DELSETELEM` before Linux 6.3).
    public func unban(_ targets: [IPPrefix]) async throws(FirewallError) {
        let units = targets.enumerated().map { index, target in
            removalUnit(target, setName: KobraKaiRuleset.banSet(for: target), owner: index)
        }
        do {
            _ = try channel.apply(units)
        } catch where error.code == .outcomeUnknown {
            try reconcileRemoval(units)
        }
    }

    /// Empties the four ban sets in one transaction. The corresponding netlink message is
    /// `NFT_MSG_DELSETELEM` without an element list.
    public func flush() async throws(FirewallError) {
        do {
            try channel.flush(setNames: KobraKaiRuleset.banSets)
        } catch where error.code == .outcomeUnknown {
            try reconcileFlush(KobraKaiRuleset.banSets)
        }
    }

    public func list() async throws(FirewallError) -> [BanEntry] {
        var result: [BanEntry] = []
        for setName in KobraKaiRuleset.banSets {
            result += try entries(in: setName)
        }
        result.sort { $0.target < $1.target }  // in place: a sorted copy would be a second listing's worth
        return result
    }

    public func lookup(_ address: IPAddress) async throws(FirewallError) -> BanEntry? {
        let hostSet = address.isIPv4 ? KobraKaiRuleset.banV4 : KobraKaiRuleset.banV6
        if let element = try channel.element(setName: hostSet, key: SetElementKey(address: address)) {
            return Self.entry(IPPrefix(host: address), element)
        }
        let netSet = address.isIPv4 ? KobraKaiRuleset.banNetV4 : KobraKaiRuleset.banNetV6
        return try entries(in: netSet).first { $0.target.contains(address) }
    }

    /// Entries of one set; interval sets are reassembled into prefixes.
    func entries(in setName: String) throws(FirewallError) -> [BanEntry] {
        let elements = try channel.dump(setName: setName)
        guard KobraKaiRuleset.isIntervalSet(setName) else {
            return elements.compactMap { element in
                element.key.address.map { Self.entry(IPPrefix(host: $0), element) }
            }
        }
        return IntervalAssembler.ranges(elements).flatMap { range in
            IntervalAssembler.prefixes(of: range).map { Self.entry($0, range.start) }
        }
    }

    private func banUnit(_ request: BanRequest, owner: Int) -> ElementUnit {
        let timeout = request.timeout.milliseconds
        let strategy = features.refreshStrategy
        let expiration = strategy == .expirationAttribute ? timeout : nil
        let setName = KobraKaiRuleset.banSet(for: request.target)
        let removal: ElementOperation? = switch strategy {
        case .expirationAttribute: nil
        case .destroyThenAdd: .destroy
        case .deleteThenAdd: .delete
        }
        if request.target.isHost {  // the bulk path: no arrays
            let element = SetElement(key: SetElementKey(address: request.target.network), timeoutMilliseconds: timeout,
                                     expirationMilliseconds: expiration, comment: request.comment)
            return ElementUnit(setName: setName, operation: .add, first: element, precedingRemoval: removal,
                               owner: owner, target: request.target)
        }
        let elements = IntervalAssembler.elements(for: request.target, timeoutMilliseconds: timeout,
                                                  expirationMilliseconds: expiration, comment: request.comment)
        return ElementUnit(setName: setName, operation: .add, elements: elements, precedingRemoval: removal,
                           owner: owner, target: request.target)
    }

    func removalUnit(_ target: IPPrefix, setName: String, owner: Int) -> ElementUnit {
        let elements = target.isHost && !KobraKaiRuleset.isIntervalSet(setName)
            ? [SetElement(key: SetElementKey(address: target.network))]
            : IntervalAssembler.elements(for: target, timeoutMilliseconds: nil, expirationMilliseconds: nil,
                                         comment: nil)
        return ElementUnit(setName: setName, operation: features.destroyElement ? .destroy : .delete,
                           elements: elements, owner: owner, target: target)
    }

    static func problem(with request: BanRequest) -> String? {
        if request.timeout.milliseconds < 1 { return "ban timeout for \(request.target) must be at least 1 ms" }
        if request.timeout > maximumTimeout { return "ban timeout for \(request.target) is longer than ten years" }
        return ElementComment.problem(with: request.comment).map { "\($0) (\(request.target))" }
    }

    static func entry(_ target: IPPrefix, _ element: SetElement) -> BanEntry {
        BanEntry(target: target, timeout: element.timeoutMilliseconds.map { .milliseconds($0) },
                 expiresIn: element.expirationMilliseconds.map { .milliseconds($0) }, comment: element.comment)
    }
}
