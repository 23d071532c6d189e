import Testing

/// The parent of every real-LAPI suite: `.serialized` here runs them one at a time, so at most one
/// crowdsec process competes with the kernel suites that share the blocking `make test` pass (some of
/// those time how promptly things stop).
@Suite("CrowdSec against a real Local API", .serialized)
enum CrowdSecLAPISuites {}
