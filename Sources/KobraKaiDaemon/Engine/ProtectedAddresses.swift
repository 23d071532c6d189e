import KobraKaiAddress
import KobraKaiCore

/// The allowlist as the engine enforces it: addresses never banned (the host's own, trunks, offices,
/// monitoring). A ban target is refused when it overlaps any entry in either direction (a /24 ban covering
/// an allowlisted host is refused too). Named apart from the policy's allowlist type so that both modules
/// can be imported in one file.
///
/// Every ban, restore and feed entry is checked here, so the check is the policy's interval search
/// (O(log n) however many entries an operator lists); only a hit, which is rare and logged, walks the
/// entries to name the one that matched.
public struct ProtectedAddresses: Hashable, Sendable {
    public let prefixes: [IPPrefix]
    private let intervals: Allowlist

    public init(_ prefixes: [IPPrefix]) {
        self.prefixes = prefixes
        intervals = Allowlist(prefixes: prefixes)
    }

    /// The allowlist entry `target` overlaps, if any.
    public func entry(overlapping target: IPPrefix) -> IPPrefix? {
        // `Allowlist` always holds loopback; an entry is only reported when one of ours matches, as before.
        guard intervals.intersects(target) else { return nil }
        return prefixes.first { $0.contains(target) || target.contains($0) }
    }
}
