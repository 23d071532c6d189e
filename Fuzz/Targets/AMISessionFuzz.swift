import KobraKaiAddress
import KobraKaiCore

// AMI client session and security-event mapper, driven like the daemon drives them: chunks of received
// bytes with a clock that moves forward, and a tick after every chunk. Invariants:
// - no event is reported before the session reports `.loggedIn`, and nothing at all once it is closed;
// - every event has origin AMI and a canonical address;
// - mapping each decoded message directly: an event's address is written in the message's RemoteAddress
//   field, and a message with a duplicated key never becomes an event (header injection).
//
// Input layout: byte 0 seeds the chunk sizes; the rest is what the manager sends.

private let configuration = try! AMIClientConfiguration(username: "kobrakai", secret: "s3cret")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    guard let seed = bytes.first else { return 0 }
    let stream = Array(bytes.dropFirst())
    checkSession(stream, seed: seed)
    checkMapper(stream)
    return 0
}

private func checkSession(_ stream: [UInt8], seed: UInt8) {
    var session = AMIClientSession(configuration: configuration)
    var now = Timestamp(millisecondsSinceEpoch: 1_714_558_271_000)
    session.connected(now: now)
    var loggedIn = false
    var closedSeen = false
    var offset = 0
    var random = UInt32(seed) &* 2_654_435_761 | 1
    while offset < stream.count {
        random ^= random << 13
        random ^= random >> 17
        random ^= random << 5
        let end = min(stream.count, offset + 1 + Int(random % 64))
        // Up to about 4 s between chunks: pings and response timeouts happen within longer inputs.
        now = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + Int64(random % 4096))
        var outputs = session.receive(stream[offset..<end], now: now)
        outputs += session.tick(now: now)
        offset = end
        for output in outputs {
            fuzzCheck(!closedSeen, "output \(output) after the session was closed")
            switch output {
            case .loggedIn: loggedIn = true
            case .event(let event):
                fuzzCheck(loggedIn, "event before login: \(event)")
                fuzzCheck(event.origin == .ami, "AMI event with origin \(event.origin)")
                checkAddressRoundTrip(event.address, context: "AMI session event")
            default: break
            }
        }
        closedSeen = session.state == .closed
    }
}

private func checkMapper(_ stream: [UInt8]) {
    var decoder = AMIFrameDecoder()
    decoder.append(stream)
    var number = 0
    while let frame = decoder.next() {
        guard case .success(.message(let message)) = frame else { continue }
        number += 1
        let mapping = AMISecurityEventMapper.map(message, messageNumber: number)
        guard case .event(let event) = mapping else { continue }
        fuzzCheck(message.duplicatedKeys.isEmpty, "event from a message with duplicated keys: \(message)")
        let remote = message.value("RemoteAddress") ?? ""
        fuzzCheck(addressAppears(event.address, in: remote.utf8), "event address \(event.address) not in RemoteAddress \(remote)")
        checkAddressRoundTrip(event.address, context: "AMI mapper event")
    }
}
