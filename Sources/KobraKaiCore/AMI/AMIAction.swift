/// Encodes the few AMI actions the client sends. Values come from configuration (validated free of CR/LF)
/// or are generated here.
public enum AMIAction {
    public static func login(username: String, secret: String, events: String, actionID: String) -> [UInt8] {
        encode([
            ("Action", "Login"), ("ActionID", actionID), ("Username", username), ("Secret", secret), ("Events", events),
        ])
    }

    public static func ping(actionID: String) -> [UInt8] {
        encode([("Action", "Ping"), ("ActionID", actionID)])
    }

    public static func logoff(actionID: String) -> [UInt8] {
        encode([("Action", "Logoff"), ("ActionID", actionID)])
    }

    static func encode(_ fields: [(String, String)]) -> [UInt8] {
        var text = ""
        for (key, value) in fields { text += "\(key): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }
}
