import KobraKaiAddress

/// What every ban backend offers: the kernel nftables sets in production, an in-memory set for
/// dry runs and unit tests.
///
/// The contract is deliberately small (sshguard's five verbs): callers ban and unban; expiry is the
/// backend's job (the kernel's timeout in production), never a userspace timer.
public protocol Firewall: Sendable {
    /// Checks that the table and sets exist and are usable.
    /// - Throws: `FirewallError` with code `.rulesetMissing` or `.permissionDenied`.
    func verify() async throws(FirewallError)

    /// Adds or refreshes bans. An address already banned gets its expiry reset to the new timeout.
    /// - Returns: the requests the backend refused one by one (e.g. an overlapping prefix), each with its
    ///   reason; every other request is in effect when this returns.
    /// - Throws: `FirewallError` when the whole operation failed (nothing changed) or its outcome is unknown.
    func ban(_ requests: [BanRequest]) async throws(FirewallError) -> [RejectedBan]

    /// Removes bans; targets that are not banned are ignored.
    func unban(_ targets: [IPPrefix]) async throws(FirewallError)

    /// Removes every ban.
    func flush() async throws(FirewallError)

    /// Every ban with its timeout, remaining time and comment.
    func list() async throws(FirewallError) -> [BanEntry]

    /// The ban covering `address` (the host entry, else a covering prefix), if any.
    func lookup(_ address: IPAddress) async throws(FirewallError) -> BanEntry?
}
