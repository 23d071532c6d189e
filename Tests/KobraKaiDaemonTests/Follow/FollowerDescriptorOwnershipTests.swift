import Foundation
import Glibc
import KobraKaiDaemon
import Synchronization
import Testing

/// A follower that cannot start (its directory is missing: a typo in the configuration, a log directory not
/// mounted yet) must close the descriptor it opened exactly once. A second close of the same number lands on
/// whatever another thread opened in between; in the daemon that was the state database's WAL, whose writes
/// then went into a log file (SQLite "disk I/O error" at COMMIT).
///
/// The double close is invisible to the thread that does it, so a second thread keeps opening a sentinel
/// file (several at a time, taking the lowest free numbers, which are the ones just released) and checks
/// each descriptor still names the sentinel and closes cleanly. Any foreign close in the process, by the
/// follower or anything else running meanwhile, shows up as a lost sentinel.
@Suite("A follower that cannot start closes only what it owns")
struct FollowerDescriptorOwnershipTests {
    @Test("failed starts on a missing directory never close a descriptor another thread owns")
    func failedStartsLeaveOtherDescriptorsAlone() async throws {
        let directory = try TemporaryDirectory()
        let sentinel = directory.file("sentinel")
        try Data("sentinel\n".utf8).write(to: URL(fileURLWithPath: sentinel))
        var sentinelInfo = stat()
        try #require(stat(sentinel, &sentinelInfo) == 0)
        let (device, inode) = (sentinelInfo.st_dev, sentinelInfo.st_ino)
        let follower = LogFollower(configuration: .init(path: directory.file("missing/security")))

        let stop = Atomic<Bool>(false)
        let lost = Atomic<Int>(0)
        let rounds = Atomic<Int>(0)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while !stop.load(ordering: .relaxed) {
                let descriptors = (0..<8).map { _ in open(sentinel, O_RDONLY | O_CLOEXEC) }
                for descriptor in descriptors {
                    var info = stat()
                    if descriptor < 0 || fstat(descriptor, &info) != 0 || info.st_dev != device || info.st_ino != inode {
                        lost.add(1, ordering: .relaxed)
                    }
                }
                for descriptor in descriptors where descriptor >= 0 {
                    if close(descriptor) != 0 { lost.add(1, ordering: .relaxed) }
                }
                rounds.add(1, ordering: .relaxed)
            }
            finished.signal()
        }
        var failures = 0
        for _ in 0..<20_000 {
            do { _ = try follower.start() } catch { failures += 1 }
        }
        stop.store(true, ordering: .relaxed)
        finished.wait()
        #expect(failures == 20_000)
        #expect(rounds.load(ordering: .relaxed) > 0)
        #expect(lost.load(ordering: .relaxed) == 0, "sentinel descriptors closed or replaced by someone else")
    }
}
