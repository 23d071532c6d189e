import Foundation
import KobraKaiAddress
import KobraKaiCore

/// Measures `BanPolicy.observe` throughput on synthetic streams (release build:
/// `swift run -c release kobrakai-policy-bench`). Each scenario prints events per second; nothing is
/// timed inside tests.
@main
struct PolicyBenchmark {
    static func main() throws {
        let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 2_000_000
        print("BanPolicy.observe throughput, \(count) events per scenario")
        print("scenario                                   events/s      ns/event  decisions  tracked")
        // 200 attackers, each in its own /24 (so no subnet escalation), as in the fail2ban comparison.
        try run("brute force: 200 attackers, medium", count: count) { index in
            event(address: .v4(IPv4Address(rawValue: 0xC600_0007 &+ UInt32(index % 200) << 8)), severity: .medium, account: nil)
        }
        try run("flood: distinct IPv4 per event (cap 50k)", count: count) { index in
            event(address: .v4(IPv4Address(rawValue: 0x0A00_0000 &+ UInt32(index))), severity: .medium, account: nil)
        }
        try run("enumeration: 5k sources x 97 accounts, low", count: count) { index in
            event(address: .v4(IPv4Address(rawValue: 0xCB00_0001 &+ UInt32(index % 5000) << 8)), severity: .low, account: "ext\(index % 97)")
        }
        try run("IPv6 rotation inside 1k /64s, low", count: count) { index in
            let high: UInt64 = 0x2001_0db8_0000_0000 | UInt64(index % 1000)
            return event(address: .v6(IPv6Address(high: high, low: UInt64(index))), severity: .low, account: nil)
        }
        try run("mixed: 10% allowlisted, 5% high, 1% success", count: count) { index in
            let selector = index % 100
            if selector < 10 { return event(address: .v4(IPv4Address(192, 0, 2, UInt8(index % 250))), severity: .high, account: nil) }
            if selector == 10 { return event(address: .v4(IPv4Address(rawValue: 0xC633_6500 &+ UInt32(index % 50))), severity: .informational, account: nil, rule: "security.successful-auth") }
            let severity: Severity = selector < 16 ? .high : (selector < 60 ? .medium : .low)
            return event(address: .v4(IPv4Address(rawValue: 0x6400_0000 &+ UInt32(index % 20_000))), severity: severity, account: "u\(index % 13)")
        }
        try memory()
    }

    /// Feeds 10 million distinct addresses, generated on the fly, and prints the resident set size as
    /// it goes: with the default caps it must level off instead of growing with the flood.
    static func memory() throws {
        print("\nmemory under a flood of distinct IPv4 addresses (default caps, max_addresses 50000)")
        print("events fed      tracked  resident MB")
        var policy = try BanPolicy(configuration: PolicyConfiguration())
        let start = Timestamp(secondsSinceEpoch: 1_780_000_000)
        print("\(String(0).leftPadded(10)) \(String(0).leftPadded(12)) \(residentMegabytes().leftPadded(12))")
        var fed = 0
        for checkpoint in [100_000, 1_000_000, 5_000_000, 10_000_000] {
            while fed < checkpoint {
                let sample = event(address: .v4(IPv4Address(rawValue: 0x0A00_0000 &+ UInt32(fed))), severity: .medium, account: "a\(fed % 5)")
                _ = policy.observe(sample, now: start + .microseconds(fed * 10))
                fed += 1
            }
            print("\(String(fed).leftPadded(10)) \(String(policy.trackedAddressCount).leftPadded(12)) \(residentMegabytes().leftPadded(12))")
        }
    }

    static func residentMegabytes() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return "?" }
        return String(kilobytes / 1024)
    }

    static func event(address: IPAddress, severity: Severity, account: String?, rule: String = "pjsip.request.auth-failed") -> SecurityEvent {
        SecurityEvent(time: nil, address: address, origin: .logFile, service: .pjsip, rule: rule, severity: severity, account: account)
    }

    static func run(_ name: String, count: Int, _ make: (Int) -> SecurityEvent) throws {
        var configuration = PolicyConfiguration()
        configuration.rules = [RuleOverride(selector: "ami.*", threshold: 2)]
        var policy = try BanPolicy(configuration: configuration, allowlist: Allowlist(prefixes: [IPPrefix("192.0.2.0/24")!]))
        // Build the events first so that only the policy is timed.
        let events = (0..<count).map(make)
        let start = Timestamp(secondsSinceEpoch: 1_780_000_000)
        var decisions = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for (index, event) in events.enumerated() {
                // 100,000 events per simulated second.
                decisions += policy.observe(event, now: start + .microseconds(index * 10)).count
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(count) / seconds
        let padded = name + String(repeating: " ", count: max(0, 42 - name.count))
        print("\(padded) \(format(rate, width: 12)) \(format(seconds * 1e9 / Double(count), width: 12)) \(String(decisions).leftPadded(10)) \(String(policy.trackedAddressCount).leftPadded(8))")
    }

    static func format(_ value: Double, width: Int) -> String {
        let rounded = Double(Int(value * 10 + 0.5)) / 10
        return String(rounded >= 1000 ? "\(Int(rounded))" : "\(rounded)").leftPadded(width)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
