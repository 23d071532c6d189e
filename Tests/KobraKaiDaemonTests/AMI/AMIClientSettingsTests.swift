import Foundation
import KobraKaiCore
@testable import KobraKaiDaemon
import Testing

@Suite("AMIClientSettings and the secret file")
struct AMIClientSettingsTests {
    static func configuration(secretFile: String? = nil, secret: String? = nil) -> AMIConfiguration {
        var configuration = AMIConfiguration()
        configuration.enabled = true
        configuration.host = "::1"
        configuration.port = 5038
        configuration.username = "kobrakai"
        configuration.secret = secret
        configuration.secretFile = secretFile
        configuration.reconnectDelay = .seconds(2)
        configuration.reconnectDelayMax = .seconds(120)
        configuration.authFailureDelay = .seconds(90)
        configuration.pingInterval = .seconds(20)
        configuration.responseTimeout = .seconds(4)
        return configuration
    }

    static func write(_ text: String, to path: String, mode: Int) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    @Test("a 0600 or 0640 secret file gives its first line, trimmed; settings carry every key")
    func readsSecretFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ami.secret")
        try Self.write("  s3cret \r\nsecond line ignored\n", to: path, mode: 0o600)
        let settings = try AMIClientSettings.load(Self.configuration(secretFile: path))
        #expect(settings.session.secret == "s3cret")
        #expect(settings.session.username == "kobrakai")
        #expect(settings.endpoint == "[::1]:5038")
        #expect(settings.reconnectDelay == .seconds(2) && settings.reconnectDelayMax == .seconds(120))
        #expect(settings.authFailureDelay == .seconds(90))
        #expect(settings.session.pingInterval == .seconds(20) && settings.session.responseTimeout == .seconds(4))
        #expect(settings.session.limits == AMIClientSettings.asteriskFrameLimits)
        #expect(!settings.description.contains("s3cret"))

        try Self.write("rotated\n", to: path, mode: 0o640)
        #expect(try AMIClientSettings.load(Self.configuration(secretFile: path)).session.secret == "rotated")
    }

    @Test("a secret file other users can read or write is refused with a clear reason")
    func refusesExposedFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ami.secret")
        for mode in [0o644, 0o602, 0o601] {
            try Self.write("s3cret\n", to: path, mode: mode)
            #expect(throws: AMISettingsError.secretFileExposed(path: path, mode: UInt32(mode))) {
                try AMIClientSettings.load(Self.configuration(secretFile: path))
            }
        }
        let error = AMISettingsError.secretFileExposed(path: path, mode: 0o644)
        #expect(error.description.contains("chmod 0600"))
    }

    @Test("missing, empty, oversized and non-regular secret files are refused")
    func refusesBadFiles() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("none")
        #expect {
            try AMIClientSettings.load(Self.configuration(secretFile: missing))
        } throws: { error in
            guard case .secretFileUnreadable(let path, let cause) = error as? AMISettingsError else { return false }
            return path == missing && cause.errno == ENOENT
        }
        let empty = directory.file("empty")
        try Self.write("\n", to: empty, mode: 0o600)
        #expect(throws: AMISettingsError.secretFileEmpty(path: empty)) {
            try AMIClientSettings.load(Self.configuration(secretFile: empty))
        }
        let large = directory.file("large")
        try Self.write(String(repeating: "x", count: 5000), to: large, mode: 0o600)
        #expect(throws: AMISettingsError.secretFileTooLarge(path: large, limit: 4096)) {
            try AMIClientSettings.load(Self.configuration(secretFile: large))
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        #expect(throws: AMISettingsError.secretFileNotRegular(path: directory.path)) {
            try AMIClientSettings.load(Self.configuration(secretFile: directory.path))
        }
    }

    @Test("an inline secret works; one with CR/LF (header injection) is refused")
    func inlineSecret() throws {
        #expect(try AMIClientSettings.load(Self.configuration(secret: "inline")).session.secret == "inline")
        #expect(throws: AMISettingsError.unsafeCredential(field: "secret")) {
            try AMIClientSettings.load(Self.configuration(secret: "x\r\nAction: Command"))
        }
        #expect(throws: AMISettingsError.missingSecret) {
            try AMIClientSettings.load(Self.configuration())
        }
    }

    @Test("the configuration file keys reach AMIConfiguration")
    func configurationKeys() throws {
        let text = """
            {"ami": {"enabled": true, "username": "kobrakai", "secret_file": "/etc/kobrakai/ami.secret",
             "reconnect_delay": "1s", "reconnect_delay_max": "2m", "auth_failure_delay": "90s",
             "ping_interval": "15s", "response_timeout": "5s"}}
            """
        let ami = try Configuration.load(from: text).ami
        #expect(ami.reconnectDelay == .seconds(1) && ami.reconnectDelayMax == .seconds(120))
        #expect(ami.authFailureDelay == .seconds(90) && ami.pingInterval == .seconds(15))
        #expect(ami.responseTimeout == .seconds(5))
        #expect(throws: ConfigurationError.self) {
            try Configuration.load(from: #"{"ami": {"reconnect_delay": "10s", "reconnect_delay_max": "5s"}}"#)
        }
    }
}
