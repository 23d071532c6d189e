import KobraKaiAddress

/// Where allowlisted addresses come from: inline entries plus files (read by the daemon, parsed with
/// `AllowlistFile.parse`). The daemon adds its own interface addresses; loopback is always allowlisted.
public struct AllowlistConfiguration: Hashable, Sendable {
    public var prefixes: [IPPrefix] = []
    public var files: [String] = []

    public init() {}
}
