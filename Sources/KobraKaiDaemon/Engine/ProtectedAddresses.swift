import KobraKaiAddress

/// The allowlist as the engine enforces it: addresses never banned (the host's own, trunks, offices,
/// monitoring). A ban target is refused when it overlaps any entry in either direction (a /24 ban covering
/// an allowlisted host is refused too). Named apart from the policy's allowlist type so that both modules
/// can be imported in one file.
public struct ProtectedAddresses: Hashable, Sendable {
    public var prefixes: [IPPrefix]

    public init(_ prefixes: [IPPrefix]) { self.prefixes = prefixes }

    /// The allowlist entry `target` overlaps, if any.
    public func entry(overlapping target: IPPrefix) -> IPPrefix? {
        prefixes.first { $0.contains(target) || target.contains($0) }
    }
}
