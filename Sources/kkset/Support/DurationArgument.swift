import ArgumentParser
import KobraKaiFirewall

/// A `--timeout` value in DurationText form (`90s`, `15m`, `1h`, `7d`, `1h30m`; a bare number is seconds).
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(duration: Duration) {
        self.duration = duration
    }

    init?(argument: String) {
        guard let duration = DurationText.parse(argument), duration > .zero else { return nil }
        self.duration = duration
    }

    var defaultValueDescription: String { DurationText.format(duration) }
}
