/// What a `ScriptedAMIPeer` saw, in order, for tests to await instead of sleeping.
public enum AMIPeerHappening: Sendable, Hashable {
    /// A client connected (connections are numbered from 1 over the peer's life).
    case accepted(connection: Int)
    /// `Action: Login` with the right credentials; `events` is its `Events:` header.
    case loginAccepted(connection: Int, events: String?)
    case loginRefused(connection: Int, username: String)
    /// `Action: Ping`; `answered` is false while the peer plays dead.
    case pinged(connection: Int, answered: Bool)
    case loggedOff(connection: Int)
    /// Any other action (`Events`, unknown ones).
    case action(connection: Int, name: String)
    /// The client closed its end (EOF or reset).
    case closedByClient(connection: Int)
}
