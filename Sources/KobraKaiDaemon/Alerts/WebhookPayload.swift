import KobraKaiCore

/// The JSON a webhook receiver gets: always an array (a batch of one is an array of one, so receivers
/// parse one shape), one object per ban:
///
/// ```json
/// [{"target":"203.0.113.7/32","address":"203.0.113.7","reason":"pjsip.request.no-endpoint: 5 events in 60s",
///   "origin":"log","banned_at":"2026-11-22T08:15:02Z","expires_at":"2026-11-22T09:15:02Z",
///   "duration_seconds":3600,"host":"pbx1"}]
/// ```
/// `address` is present for host bans only. Written by hand (no Foundation encoder): every string goes
/// through `JSONText.quoted`, which escapes quotes, backslashes and all control characters.
enum WebhookPayload {
    static func encode(_ bans: [BanRecord], host: String) -> [UInt8] {
        var out = "["
        for (index, ban) in bans.enumerated() {
            if index > 0 { out += "," }
            out += "{\"target\":\(JSONText.quoted(ban.target.description))"
            if ban.target.isHost { out += ",\"address\":\(JSONText.quoted(ban.target.network.description))" }
            out += ",\"reason\":\(JSONText.quoted(ban.reason)),\"origin\":\(JSONText.quoted(ban.origin))"
            out += ",\"banned_at\":\(JSONText.quoted(ban.createdAt.iso8601)),\"expires_at\":\(JSONText.quoted(ban.expiresAt.iso8601))"
            out += ",\"duration_seconds\":\(max(0, ban.expiresAt.since(ban.createdAt).milliseconds / 1000))"
            out += ",\"host\":\(JSONText.quoted(host))}"
        }
        out += "]"
        return Array(out.utf8)
    }
}
