import GRDB

/// The state database's schema as ordered migrations; a newer daemon migrates an older file in place,
/// and an older daemon refuses a file from the future (GRDB checks the applied migration identifiers).
enum StateSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: bans, offenders, log positions") { db in
            try db.create(table: "ban") { table in
                table.primaryKey("target", .text)
                table.column("expires_at", .integer).notNull().indexed()  // milliseconds since the epoch
                table.column("reason", .text).notNull()
                table.column("origin", .text).notNull()
                table.column("created_at", .integer).notNull()
            }
            try db.create(table: "offender") { table in
                table.primaryKey("target", .text)
                table.column("offence_count", .integer).notNull()
                table.column("last_ban_at", .integer).notNull().indexed()
                table.column("last_ban_ms", .integer).notNull()
            }
            try db.create(table: "log_position") { table in
                table.primaryKey("path", .text)
                table.column("device", .integer).notNull()  // UInt64 stored by bit pattern
                table.column("inode", .integer).notNull()
                table.column("offset", .integer).notNull()
            }
        }
        // Kept self-contained (one small key/value table) so it stays last whatever other migrations come
        // before it: each feed keeps its position here (APIBAN's last ID).
        migrator.registerMigration("v3: feed state") { db in
            try db.create(table: "feed_state") { table in
                table.primaryKey("key", .text)
                table.column("value", .text).notNull()
            }
        }
        return migrator
    }
}
