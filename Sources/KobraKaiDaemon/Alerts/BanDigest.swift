import KobraKaiCore

/// The bans of one digest period, kept small whatever the flood: totals per reason and origin are exact,
/// the list of bans keeps the first `listLimit` (the rest are counted).
struct BanDigest: Sendable {
    let listLimit: Int
    private(set) var count = 0
    private(set) var byReason: [String: Int] = [:]
    private(set) var byOrigin: [String: Int] = [:]
    private(set) var listed: [BanRecord] = []

    init(listLimit: Int = 500) { self.listLimit = listLimit }

    var isEmpty: Bool { count == 0 }

    mutating func add(_ bans: [BanRecord]) {
        for ban in bans {
            count += 1
            byReason[Self.reasonKey(ban), default: 0] += 1
            byOrigin[ban.origin, default: 0] += 1
            if listed.count < listLimit { listed.append(ban) }
        }
    }

    /// The rule part of a policy reason (`pjsip.request.no-endpoint: 5 events in 60s` → the id; `subnet: …`
    /// → `subnet`); operator bans group as `operator` whatever the operator wrote.
    static func reasonKey(_ ban: BanRecord) -> String {
        if ban.origin == "operator" { return "operator" }
        let head = ban.reason.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ban.reason
        return String(head.prefix(64))
    }

    /// The mail: subject and body.
    func message(host: String, since: Timestamp, until: Timestamp) -> (subject: String, body: String) {
        let subject = "\(count) ban(s) on \(host)"
        var body = "KobraKai on \(host) applied \(count) ban(s) between \(since.iso8601) and \(until.iso8601) (UTC).\n\n"
        body += "Top reasons:\n" + Self.top(byReason) + "\nBy origin:\n" + Self.top(byOrigin) + "\n"
        body += "Bans (target, origin, expires, reason):\n"
        for ban in listed {
            // One line per ban whatever a reason holds.
            body += "  \(ban.target)  \(MailMessage.headerSafe(ban.origin))  \(ban.expiresAt.iso8601)  \(MailMessage.headerSafe(ban.reason))\n"
        }
        if count > listed.count { body += "  ... and \(count - listed.count) more (kobrakai list shows all bans in force)\n" }
        return (subject, body)
    }

    private static func top(_ counts: [String: Int], limit: Int = 10) -> String {
        let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var text = ""
        for (key, value) in sorted.prefix(limit) { text += "  \(value)\t\(MailMessage.headerSafe(key))\n" }
        if sorted.count > limit { text += "  (\(sorted.count - limit) more)\n" }
        return text
    }
}
