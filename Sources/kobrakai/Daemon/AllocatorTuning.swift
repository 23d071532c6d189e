#if canImport(Glibc)
import Glibc
#endif

/// glibc allocator settings for the long-running daemon.
///
/// glibc raises its mmap threshold every time a large block is freed (up to 32 MB), so after the first
/// big transient (a ruleset repair building 60,000 ban elements, a kernel listing) later large arrays
/// come from the heap, whose freed middle glibc cannot give back: the daemon kept its worst moment
/// resident for good. A fixed threshold keeps every array over 128 KiB in its own mapping, returned to
/// the kernel when freed, and (as documented for mallopt) also fixes the trim threshold so freed heap
/// tops are returned. Measured with make torture TORTURE_SECONDS=60 (63,500 bans): peak VmHWM
/// 148.3 MB -> 123.8 MB, resident at the end 144.4 MB -> 70.7 MB. M_ARENA_MAX=2 was measured too and
/// changed nothing (159.5 vs 159.8 MB), so it is not set.
///
/// `mallopt` and `M_MMAP_THRESHOLD` live in <malloc.h>, which Swift's Glibc module does not include; the
/// C modules are reserved for the netfilter target, so the function is looked up at run time and the
/// constant (glibc's stable ABI value, -3) is spelled here.
enum AllocatorTuning {
    static let mmapThreshold: Int32 = 128 * 1024
    private static let mmapThresholdParameter: Int32 = -3  // M_MMAP_THRESHOLD in glibc's <malloc.h>

    /// Call first thing in the daemon, before its large tables exist. Does nothing off glibc.
    static func apply() {
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: MallOpt.self)(mmapThresholdParameter, mmapThreshold)
    }
}
