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
        // Events and every ban ever applied, kept for `kobrakai report` for the configured retention.
        // Rowids only grow (AUTOINCREMENT), so the row cap deletes a rowid range: cheap inside each batch.
        migrator.registerMigration("v2: events and ban history") { db in
            try db.create(table: "event") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .integer).notNull().indexed()  // milliseconds since the epoch, as received
                table.column("address", .text).notNull()
                table.column("rule", .text).notNull()
                table.column("service", .text).notNull()
                table.column("origin", .text).notNull()
                table.column("account", .text)  // attacker-controlled, bounded; display only
            }
            try db.create(table: "ban_history") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("target", .text).notNull().indexed()
                table.column("reason", .text).notNull()
                table.column("origin", .text).notNull()
                table.column("created_at", .integer).notNull().indexed()
                table.column("expires_at", .integer).notNull()
            }
            // Rows the cap deleted before their retention ended, so a report can say its counts are partial.
            try db.create(table: "history_counter") { table in
                table.primaryKey("name", .text)
                table.column("value", .integer).notNull()
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
        // When each log position was saved: at start, a file rotated away after that moment holds lines the
        // daemon never saved a position in, even when the file the position names is gone (FollowerEngine).
        migrator.registerMigration("v4: log position save time") { db in
            try db.alter(table: "log_position") { table in table.add(column: "saved_at", .integer) }
        }
        // A hash of the bytes before each saved offset: tells the saved file from a refilled or new one.
        migrator.registerMigration("v5: log position tail hash") { db in
            try db.alter(table: "log_position") { table in table.add(column: "tail_hash", .integer) }
        }
        return migrator
    }
}
