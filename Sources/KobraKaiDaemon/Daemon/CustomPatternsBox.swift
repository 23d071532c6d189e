import KobraKaiCore
import Synchronization

/// The operator's patterns, shared by every log source and replaced as a whole on reload.
public final class CustomPatternsBox: Sendable {
    private let matcher: Mutex<CustomRuleMatcher>

    public init(_ matcher: CustomRuleMatcher) { self.matcher = Mutex(matcher) }

    public var current: CustomRuleMatcher { matcher.withLock { $0 } }

    public func replace(_ matcher: CustomRuleMatcher) { self.matcher.withLock { $0 = matcher } }
}
