import Foundation

/// Counters of the receiver namespace's UDP layer (/proc/thread-self/net/snmp, read on its thread).
enum UDPCounters {
    static func receiveBufferErrors() -> Int {
        let text = (try? String(contentsOfFile: "/proc/thread-self/net/snmp", encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("Udp:") }
        guard lines.count >= 2 else { return 0 }
        let names = lines[0].split(separator: " ")
        let values = lines[1].split(separator: " ")
        guard let index = names.firstIndex(of: "RcvbufErrors"), index < values.count else { return 0 }
        return Int(values[index]) ?? 0
    }
}
