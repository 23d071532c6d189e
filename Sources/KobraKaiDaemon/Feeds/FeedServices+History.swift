import Logging

extension FeedServices {
    /// Feed bans as ban-history rows, so `kobrakai report` counts them by origin (`apiban`, `blocklist`).
    /// The feeds' hook must return at once, so the write runs on its own task; a failed write costs a report
    /// row, never a ban (the ban is already in the kernel).
    static func recordingHistory(in store: StateStore) -> @Sendable ([BanRecord]) -> Void {
        { records in
            Task {
                do {
                    try await store.recordBanHistory(records)
                } catch {
                    Logger(label: "kobrakai.feeds").error("could not record feed bans in the history",
                                                          metadata: ["bans": "\(records.count)", "error": "\(error)"])
                }
            }
        }
    }
}
