import KobraKaiCore

// Configuration loader (hand-written JSON parser + validation). Invariants: it never crashes; every error
// says what is wrong and names the key path, except JSON syntax errors (which name line and column) and a
// document that is not an object; a configuration that loads also builds its ban policy without crashing.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = fuzzBytes(start, count)
    do {
        let configuration = try Configuration.load(from: bytes)
        _ = try? configuration.makePolicy()
        _ = configuration.customRuleMatcher.event(forLine: "x 192.0.2.1 y", time: nil)
    } catch {
        fuzzCheck(!error.reason.isEmpty, "configuration error without a reason (key path \(error.keyPath))")
        let documentLevel = error.reason.hasPrefix("JSON syntax error") || error.reason.hasPrefix("must be an object")
        fuzzCheck(!error.keyPath.isEmpty || documentLevel, "configuration error without a key path: \(error.reason)")
    }
    return 0
}
