/// The `history` section.
extension ConfigurationLoader {
    static func readHistory(_ reader: inout ConfigurationReader) throws(ConfigurationError) -> HistoryConfiguration {
        var history = HistoryConfiguration()
        if let value = try reader.duration("retention") { history.retention = value }
        if let value = try reader.integer("max_events", in: 1_000...100_000_000) { history.maximumEvents = value }
        return history
    }
}
