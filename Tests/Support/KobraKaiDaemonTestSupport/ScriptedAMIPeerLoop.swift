#if canImport(Glibc)
import Glibc
#endif

/// The peer's thread: accepts, parses actions, answers them and writes queued output in order.
struct ScriptedAMIPeerLoop: Sendable {
    private struct Segment {
        var bytes: [UInt8]
        /// Monotonic milliseconds before which this segment (and everything queued after it) waits.
        var notBefore: Int64
    }

    private struct Client {
        let id: Int
        let descriptor: Int32
        var input: [UInt8] = []
        var fields: [(key: String, value: String)] = []
        var loggedIn = false
        var outbound: [Segment] = []
        var closeAfterFlush = false
        var closed = false
    }

    private var listener: Int32?
    private let port: UInt16
    private let behaviour: ScriptedAMIPeer.Behaviour
    private let inbox: ScriptedAMIPeerInbox
    private let happenings: AsyncStream<AMIPeerHappening>.Continuation
    private var clients: [Client] = []
    private var connectionsAccepted = 0

    init(
        listener: Int32, port: UInt16, behaviour: ScriptedAMIPeer.Behaviour, inbox: ScriptedAMIPeerInbox,
        happenings: AsyncStream<AMIPeerHappening>.Continuation
    ) {
        self.listener = listener
        self.port = port
        self.behaviour = behaviour
        self.inbox = inbox
        self.happenings = happenings
    }

    static func listen(port: UInt16) throws(ScriptedAMIPeer.PeerError) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .init(operation: "socket", errno: errno) }
        var one: Int32 = 1
        // Rebinding the same port after a stop, with closed connections still in TIME_WAIT.
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(descriptor, 16) == 0 else {
            let failure = ScriptedAMIPeer.PeerError(operation: "bind/listen 127.0.0.1:\(port)", errno: errno)
            close(descriptor)
            throw failure
        }
        return descriptor
    }

    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }

    mutating func run() {
        while true {
            for command in inbox.take() {
                guard apply(command) else { return }
            }
            var entries = [pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
            if let listener { entries.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)) }
            let clientBase = entries.count
            let now = Self.now()
            var timeout: Int64 = -1
            for client in clients {
                var events = Int16(POLLIN)
                if let head = client.outbound.first {
                    if head.notBefore <= now {
                        events |= Int16(POLLOUT)
                    } else {
                        timeout = timeout < 0 ? head.notBefore - now : min(timeout, head.notBefore - now)
                    }
                }
                entries.append(pollfd(fd: client.descriptor, events: events, revents: 0))
            }
            _ = poll(&entries, nfds_t(entries.count), Int32(clamping: timeout))
            if listener != nil && entries[1].revents != 0 { acceptAll() }
            for index in 0..<(entries.count - clientBase) where entries[clientBase + index].revents != 0 {
                let revents = entries[clientBase + index].revents
                if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { read(index) }
            }
            for index in clients.indices { write(index) }
            clients.removeAll { $0.closed }
        }
    }

    /// Applies one command; false ends the thread.
    private mutating func apply(_ command: ScriptedAMIPeerInbox.Command) -> Bool {
        switch command {
        case .send(let bytes, let chunkSize, let pause, let toUnauthenticated):
            let now = Self.now()
            for index in clients.indices where clients[index].loggedIn || toUnauthenticated {
                var offset = 0
                var step: Int64 = 0
                while offset < bytes.count {
                    let end = min(bytes.count, offset + chunkSize)
                    clients[index].outbound.append(Segment(bytes: Array(bytes[offset..<end]), notBefore: now + step * pause.wholeMilliseconds))
                    offset = end
                    step += 1
                }
            }
        case .disconnectAll:
            closeAllClients()
        case .stopListening(let done):
            if let listener { close(listener) }
            listener = nil
            closeAllClients()
            done()
        case .startListening(let done):
            do {
                if listener == nil { listener = try Self.listen(port: port) }
                done(nil)
            } catch {
                done(error)
            }
        case .shutdown(let done):
            if let listener { close(listener) }
            listener = nil
            closeAllClients()
            happenings.finish()
            done()
            return false
        }
        return true
    }

    private mutating func closeAllClients() {
        for client in clients where !client.closed { close(client.descriptor) }
        clients.removeAll()
    }

    private mutating func acceptAll() {
        guard let listener else { return }
        while true {
            let descriptor = accept(listener, nil, nil)
            guard descriptor >= 0 else { return }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            connectionsAccepted += 1
            var client = Client(id: connectionsAccepted, descriptor: descriptor)
            client.outbound.append(Segment(bytes: Array("\(behaviour.banner)\r\n".utf8), notBefore: 0))
            clients.append(client)
            happenings.yield(.accepted(connection: client.id))
        }
    }

    private mutating func read(_ index: Int) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while !clients[index].closed {
            let count = buffer.withUnsafeMutableBytes { recv(clients[index].descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                clients[index].input += buffer[..<count]
                parseActions(index)
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { return }
            closeByClient(index)
        }
    }

    private mutating func closeByClient(_ index: Int) {
        guard !clients[index].closed else { return }
        close(clients[index].descriptor)
        clients[index].closed = true
        happenings.yield(.closedByClient(connection: clients[index].id))
    }

    private mutating func parseActions(_ index: Int) {
        while let newline = clients[index].input.firstIndex(of: 0x0A) {
            var line = Array(clients[index].input[..<newline])
            clients[index].input.removeFirst(newline + 1)
            if line.last == 0x0D { line.removeLast() }
            if line.isEmpty {
                let fields = clients[index].fields
                clients[index].fields = []
                if !fields.isEmpty { handle(fields, client: index) }
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { continue }
            let value = text[text.index(after: colon)...].drop { $0 == " " }
            clients[index].fields.append((String(text[..<colon]), String(value)))
        }
    }

    private mutating func handle(_ fields: [(key: String, value: String)], client index: Int) {
        func value(_ key: String) -> String? { fields.first { $0.key.lowercased() == key.lowercased() }?.value }
        let id = clients[index].id
        let actionID = value("ActionID").map { "ActionID: \($0)\r\n" } ?? ""
        let action = value("Action")?.lowercased() ?? ""
        let now = Self.now()
        func reply(_ text: String, delay: Duration = .zero) {
            clients[index].outbound.append(Segment(bytes: Array(text.utf8), notBefore: now + delay.wholeMilliseconds))
        }
        switch action {
        case "login":
            if value("Username") == behaviour.username && value("Secret") == behaviour.secret {
                clients[index].loggedIn = true
                reply("Response: Success\r\n\(actionID)Message: Authentication accepted\r\n\r\n")
                if behaviour.sendsFullyBooted {
                    reply("Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 3600\r\nLastReload: 3600\r\nStatus: Fully Booted\r\n\r\n")
                }
                happenings.yield(.loginAccepted(connection: id, events: value("Events")))
            } else {
                reply("Response: Error\r\n\(actionID)Message: Authentication failed\r\n\r\n", delay: behaviour.refusalDelay)
                clients[index].closeAfterFlush = true
                happenings.yield(.loginRefused(connection: id, username: value("Username") ?? ""))
            }
        case "ping":
            guard clients[index].loggedIn else {
                reply("Response: Error\r\n\(actionID)Message: Permission denied\r\n\r\n")
                happenings.yield(.action(connection: id, name: "Ping"))
                return
            }
            let answered = inbox.answersPings
            if answered { reply("Response: Success\r\n\(actionID)Ping: Pong\r\nTimestamp: 1714558273.123456\r\n\r\n") }
            happenings.yield(.pinged(connection: id, answered: answered))
        case "logoff":
            reply("Response: Goodbye\r\n\(actionID)Message: Thanks for all the fish.\r\n\r\n")
            clients[index].closeAfterFlush = true
            happenings.yield(.loggedOff(connection: id))
        case "events" where clients[index].loggedIn:
            reply("Response: Success\r\n\(actionID)Events: On\r\n\r\n")
            happenings.yield(.action(connection: id, name: "Events"))
        default:
            let name = value("Action") ?? "NONE"
            reply("Response: Error\r\n\(actionID)Message: Invalid/unknown command: \(name).\r\n\r\n")
            happenings.yield(.action(connection: id, name: name))
        }
    }

    private mutating func write(_ index: Int) {
        let now = Self.now()
        while !clients[index].closed, let head = clients[index].outbound.first, head.notBefore <= now {
            let count = head.bytes.withUnsafeBytes {
                send(clients[index].descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { return }
                closeByClient(index)
                return
            }
            if count == head.bytes.count {
                clients[index].outbound.removeFirst()
            } else {
                clients[index].outbound[0].bytes.removeFirst(count)
            }
        }
        if !clients[index].closed && clients[index].closeAfterFlush && clients[index].outbound.isEmpty {
            close(clients[index].descriptor)
            clients[index].closed = true
        }
    }
}

extension Duration {
    fileprivate var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
