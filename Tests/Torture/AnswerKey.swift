import KobraKaiAddress

/// What the written log and the AMI events must lead to, kept by the writers as they write.
struct AnswerKey: Sendable {
    /// Addresses that must end up banned, by kind (log attacker, sentinel, flood high-severity, AMI attacker).
    var mustBan: [String: [IPAddress]] = [:]
    /// AMI attackers whose events were sent within a second of a daemon kill or an AMI disconnect: the
    /// manager protocol has no replay, so an event in flight when the connection dies is lost by design.
    /// Not scored; counted.
    var amiInFlightAtFault = 0
    /// Log attackers whose eight lines were written while the daemon was killed: the policy's counting
    /// windows live in memory, so events it read before a `kill -9` are forgotten (the saved log position
    /// is past them). Not scored; counted, with how many of them were banned anyway.
    var straddledKill: [IPAddress] = []
    /// Lines written, by kind.
    var lines: [String: Int] = [:]

    mutating func expectBan(_ address: IPAddress, kind: String) { mustBan[kind, default: []].append(address) }
    mutating func countLines(_ kind: String, _ count: Int = 1) { lines[kind, default: 0] += count }
    var totalLines: Int { lines.values.reduce(0, +) }
    var mustBanCount: Int { mustBan.values.reduce(0) { $0 + $1.count } }
}
