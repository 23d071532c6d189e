import CMalloc

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
enum AllocatorTuning {
    static let mmapThreshold: Int32 = 128 * 1024

    /// Call first thing in the daemon, before its large tables exist.
    static func apply() {
        _ = mallopt(M_MMAP_THRESHOLD, mmapThreshold)
    }
}
