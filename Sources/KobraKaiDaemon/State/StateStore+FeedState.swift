import GRDB

/// Small values feeds keep across restarts (APIBAN's last ID), in the `feed_state` table.
extension StateStore {
    /// The value stored under `key`, if any.
    public func feedState(_ key: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM feed_state WHERE key = ?", arguments: [key])
        }
    }

    /// Stores `value` under `key`; `nil` deletes it.
    public func setFeedState(_ key: String, to value: String?) async throws {
        try await pool.write { db in
            if let value {
                try db.execute(
                    sql: "INSERT INTO feed_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM feed_state WHERE key = ?", arguments: [key])
            }
        }
    }
}
