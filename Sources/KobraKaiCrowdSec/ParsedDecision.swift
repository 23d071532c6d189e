import KobraKaiAddress

/// A stream decision KobraKai can enforce: a `ban` on an `Ip` or a `Range`, with a target and a deadline.
struct ParsedDecision: Hashable, Sendable {
    var id: Int64
    var target: IPPrefix
    /// Remaining time when the response arrived; zero or negative means already expired.
    var remaining: Duration
    var comment: String
    /// Set when a range had host bits set and was masked to its network (logged by the bouncer).
    var maskedFrom: String?

    /// What happened to a decision that is not applied.
    enum Skip: Error, Hashable, Sendable {
        /// Not a ban, or a scope other than Ip/Range: ignored without a word (CAPI sends captchas, countries).
        case notApplicable
        /// Looked like ours but the value or duration could not be read: logged.
        case malformed(String)
    }

    /// The most bytes nftables keeps in an element comment (`NFT_USERDATA_MAXLEN` 256, but nft's own
    /// parser caps comments at 128 bytes including the NUL).
    static let commentLimit = 127

    static func parse(_ decision: CrowdSecDecision) -> Result<ParsedDecision, Skip> {
        guard decision.type.lowercased() == "ban" else { return .failure(.notApplicable) }
        let scope = decision.scope.lowercased()
        guard scope == "ip" || scope == "range" else { return .failure(.notApplicable) }
        guard let remaining = GoDuration.parse(decision.duration) else {
            return .failure(.malformed("decision \(decision.id) has an unreadable duration \"\(decision.duration)\""))
        }
        var maskedFrom: String?
        let target: IPPrefix
        if scope == "ip" {
            guard let address = try? IPAddress(parsing: decision.value) else {
                return .failure(.malformed("decision \(decision.id) has scope Ip but value \"\(decision.value)\" is not an address"))
            }
            target = IPPrefix(host: address)
        } else {
            guard let prefix = maskedPrefix(decision.value) else {
                return .failure(.malformed("decision \(decision.id) has scope Range but value \"\(decision.value)\" is not a CIDR range"))
            }
            // The strict parser refuses host bits; Go's masks them. Both agree on everything else.
            if (try? IPPrefix(parsing: decision.value)) == nil { maskedFrom = decision.value }
            target = prefix
        }
        return .success(ParsedDecision(
            id: decision.id, target: target, remaining: remaining,
            comment: comment(scenario: decision.scenario, origin: decision.origin), maskedFrom: maskedFrom))
    }

    /// `ADDRESS/LENGTH` with host bits cleared, as Go's `net.ParseCIDR` (and so the LAPI) reads it.
    /// IPv4-mapped IPv6 ranges of /96 or longer become IPv4.
    private static func maskedPrefix(_ text: String) -> IPPrefix? {
        guard let slash = text.firstIndex(of: "/"), let address = try? IPAddress(parsing: text[..<slash]) else { return nil }
        let lengthText = text[text.index(after: slash)...]
        guard !lengthText.isEmpty, lengthText.count <= 3, lengthText.allSatisfy({ $0.isASCII && $0.isNumber }),
              var length = Int(lengthText)
        else { return nil }
        if address.isIPv4, text[..<slash].contains(":") {
            guard length >= 96, length <= 128 else { return nil }
            length -= 96
        }
        guard length <= address.bitWidth else { return nil }
        return IPPrefix(address: address, length: length)
    }

    /// `crowdsec: <scenario> (<origin>)`, printable ASCII only, cut at the comment limit.
    static func comment(scenario: String, origin: String) -> String {
        let text = "crowdsec: \(scenario) (\(origin))"
        // The usual case, checked on bytes: a full pull of a large LAPI makes this comment for every decision.
        if text.utf8.count <= commentLimit, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        let printable = text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" }
        return String(printable.prefix(commentLimit))
    }
}
