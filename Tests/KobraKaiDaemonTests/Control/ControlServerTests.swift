import Foundation
import Glibc
@testable import KobraKaiDaemon
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// Answers every request with what it received, and counts requests.
struct EchoHandler: ControlRequestHandler {
    func handle(_ request: ControlRequest) async -> ControlResponse {
        if request.command == .ban, request.address == nil { return .failure("ban needs an address") }
        return .success(.object([
            "command": .string(request.command.rawValue),
            "address": request.address.map(ControlValue.string) ?? .null,
        ]))
    }
}

@Suite("ControlServer")
struct ControlServerTests {
    static func start(
        _ directory: TemporaryDirectory, allowed: Set<UInt32> = [getuid()], maxRequestLength: Int = 16 * 1024
    ) async throws -> (RunningService, String) {
        let path = directory.file("run/kobrakai/control.sock")
        let configuration = ControlServerConfiguration(path: path, allowedUserIDs: allowed, maxRequestLength: maxRequestLength)
        let service = try await startControlServer(configuration: configuration, handler: EchoHandler())
        return (service, path)
    }

    @Test("requests and responses on one connection; the socket is 0600 in a created directory")
    func requestResponse() async throws {
        let directory = try TemporaryDirectory()
        let (service, path) = try await Self.start(directory)
        var info = stat()
        #expect(lstat(path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o600)
        let responses = try await offPool {
            let client = try ControlClient(path: path)
            return [
                try client.send(ControlRequest(command: .status)),
                try client.send(ControlRequest(command: .testIP, address: "192.0.2.7")),
                try client.send(ControlRequest(command: .ban)),
            ]
        }
        #expect(responses[0] == .success(.object(["command": .string("status"), "address": .null])))
        #expect(responses[1].result?["address"] == .string("192.0.2.7"))
        #expect(responses[2] == .failure("ban needs an address"))
        await service.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a malformed request gets an error line and the connection stays usable")
    func malformedRequest() async throws {
        let directory = try TemporaryDirectory()
        let (service, path) = try await Self.start(directory)
        let (bad, unknown, good) = try await offPool {
            let client = try ControlClient(path: path)
            return (try client.sendRaw(Array("not json\n".utf8)),
                    try client.sendRaw(Array(#"{"command":"explode"}"#.utf8) + [0x0A]),
                    try client.sendRaw(Array(#"{"command":"list"}"#.utf8) + [0x0A]))
        }
        #expect(bad.hasPrefix(#"{"error":"invalid request: expected a JSON object with \"command\""#))
        #expect(unknown.contains(#""ok":false"#))
        #expect(good == #"{"ok":true,"result":{"address":null,"command":"list"}}"#)
        await service.stop()
    }

    @Test("an oversize request line is refused and the connection closed")
    func oversizeLine() async throws {
        let directory = try TemporaryDirectory()
        let (service, path) = try await Self.start(directory, maxRequestLength: 1024)
        let answer = try await offPool {
            try ControlClient(path: path).sendRaw(Array(repeating: UInt8(ascii: "x"), count: 100_000))
        }
        #expect(answer == #"{"error":"request longer than 1024 bytes","ok":false}"#)
        await service.stop()
    }

    @Test("a peer whose uid is not allowed is refused before anything is read")
    func disallowedUID() async throws {
        let directory = try TemporaryDirectory()
        let (service, path) = try await Self.start(directory, allowed: [12345])
        let answer = try await offPool { try ControlClient(path: path).sendRaw(Array(#"{"command":"status"}"#.utf8) + [0x0A]) }
        #expect(answer == #"{"error":"permission denied: uid \#(getuid()) may not use the control socket","ok":false}"#)
        await service.stop()
    }

    @Test("a real non-root process: refused by the 0600 mode, and by SO_PEERCRED when the mode is opened up",
          .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func realNonRootPeer() async throws {
        let directory = try TemporaryDirectory()
        let (service, path) = try await Self.start(directory, allowed: [0])
        _ = chmod(directory.path, 0o755)
        _ = chmod(directory.file("run"), 0o755)
        _ = chmod(directory.file("run/kobrakai"), 0o755)
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(sys.argv[1])
            except PermissionError:
                print("EACCES"); sys.exit(0)
            s.sendall(b'{"command":"status"}\\n')
            print(s.recv(4096).decode().strip())
            """
        @Sendable func runAsNobody() throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", script, path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try await offPool(runAsNobody) == "EACCES")
        _ = chmod(path, 0o666)  // defence in depth: even a reachable socket checks the peer's uid
        #expect(try await offPool(runAsNobody) == #"{"error":"permission denied: uid 65534 may not use the control socket","ok":false}"#)
        await service.stop()
    }

    @Test("a stale socket is replaced, a live one or a regular file is left alone with a clear error")
    func staleAndLiveSockets() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("control.sock")
        // A stale socket: bound, then its listener gone.
        do { _ = try ControlListener(path: path) }
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        _ = try UnixSocketAddress.withAddress(path) { bind(stale, $0, $1) }
        close(stale)
        let replaced = try ControlListener(path: path)
        #expect(throws: ControlError("another kobrakai is already listening on \(path)")) { _ = try ControlListener(path: path) }
        _ = replaced

        let regular = directory.file("not-a-socket")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: regular))
        #expect(throws: ControlError("\(regular) exists and is not a socket; not removing it")) { _ = try ControlListener(path: regular) }
        #expect(try String(contentsOfFile: regular, encoding: .utf8) == "keep me")
    }

    @Test("graceful shutdown ends run() with an idle client connected and removes the socket")
    func gracefulShutdown() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("control.sock")
        let (listening, signal) = AsyncStream<Void>.makeStream()
        let server = ControlServer(
            configuration: .init(path: path, allowedUserIDs: [getuid()]), handler: EchoHandler(), onListening: { signal.yield() })
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                var iterator = listening.makeAsyncIterator()
                _ = await iterator.next()
                // A connected client that never sends anything.
                let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(client) }
                #expect(try UnixSocketAddress.withAddress(path) { connect(client, $0, $1) } == 0)
                try await Task.sleep(for: .milliseconds(50))
                trigger.triggerGracefulShutdown()
                try await group.next()
            }
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("the client explains a missing daemon")
    func clientWithoutDaemon() {
        #expect(throws: ControlError.self) { _ = try ControlClient(path: "/nonexistent/kobrakai.sock") }
    }
}
