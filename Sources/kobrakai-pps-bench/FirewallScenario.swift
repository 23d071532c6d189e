import Foundation
import KobraKaiAddress
import KobraKaiFirewall
import KobraKaiNetfilter

/// What guards the receiver while the sender floods it. The sender's address is never banned, so every
/// packet is looked up and accepted: the figure is the cost of the lookup itself.
enum FirewallScenario: String, CaseIterable, Sendable {
    /// No ruleset at all: the path without any firewall.
    case none
    /// nft/kobrakai.nft with empty sets.
    case kobrakaiEmpty = "kobrakai_empty"
    /// nft/kobrakai.nft with `bans` addresses in ban_v4 (a hash set: one lookup per packet).
    case kobrakaiBanned = "kobrakai_banned"
    /// `rules` per-address `iptables -A INPUT -s x -j DROP` rules through iptables-nft (Debian 12's
    /// `iptables`): a linear chain of nftables rules, evaluated one by one for every packet.
    case iptablesNFT = "iptables_nft"
    /// The same rules through iptables-legacy (x_tables), as older systems and SIPban-style tools have them.
    case iptablesLegacy = "iptables_legacy"

    func label(bans: Int, rules: Int) -> String {
        switch self {
        case .none: "no firewall"
        case .kobrakaiEmpty: "kobrakai.nft, sets empty"
        case .kobrakaiBanned: "kobrakai.nft, \(bans.formatted()) bans in ban_v4"
        case .iptablesNFT: "iptables-nft, \(rules.formatted()) -s x -j DROP rules"
        case .iptablesLegacy: "iptables-legacy, \(rules.formatted()) -s x -j DROP rules"
        }
    }

    /// The address of the `index`th banned host: 10.0.0.0 upwards, far from the veth's 192.0.2.0/24.
    static func bannedAddress(_ index: Int) -> IPv4Address { IPv4Address(rawValue: 0x0A00_0000 + UInt32(index)) }

    /// Clears whatever the previous scenario left in the receiver's namespace, then sets this one up.
    func configure(link: VethLink, firewall: NftablesFirewall, rulesetPath: String, bans: Int, rules: Int,
                   legacyAvailable: Bool) async throws
    {
        try await VethLink.run(in: link.receiver, ["nft", "flush", "ruleset"])  // iptables-nft's tables are nft tables too
        if legacyAvailable { try await VethLink.run(in: link.receiver, ["iptables-legacy", "-F", "INPUT"]) }
        switch self {
        case .none:
            break
        case .kobrakaiEmpty, .kobrakaiBanned:
            try await VethLink.run(in: link.receiver, ["nft", "-f", rulesetPath])
            guard self == .kobrakaiBanned else { break }
            let requests = (0..<bans).map {
                BanRequest(target: IPPrefix(host: .v4(Self.bannedAddress($0))), timeout: .seconds(3600), comment: "pps bench")
            }
            let rejected = try await firewall.ban(requests)
            guard rejected.isEmpty else { throw PacketBenchError("\(rejected.count) bans rejected") }
            guard try await firewall.lookup(.v4(Self.bannedAddress(bans - 1))) != nil,
                  try await firewall.lookup(IPAddress(VethLink.senderAddress)!) == nil
            else { throw PacketBenchError("the ban set does not hold what the scenario needs") }
        case .iptablesNFT, .iptablesLegacy:
            let tool = self == .iptablesNFT ? "iptables-nft" : "iptables-legacy"
            // One iptables-restore run loads all rules in one go (one `iptables -A` per rule would take minutes).
            let script = "*filter\n:INPUT ACCEPT [0:0]\n"
                + (0..<rules).map { "-A INPUT -s \(Self.bannedAddress($0))/32 -j DROP\n" }.joined() + "COMMIT\n"
            try await VethLink.run(in: link.receiver, ["\(tool)-restore"], input: script)
            let listed = try await VethLink.run(in: link.receiver, [tool, "-S", "INPUT"])
            let count = listed.split(separator: "\n").filter { $0.hasPrefix("-A INPUT") }.count
            guard count == rules else { throw PacketBenchError("\(tool): expected \(rules) rules, found \(count)") }
        }
    }
}
