import Foundation

/// An exclusive claim on a run folder (`DIR/.lock`, `flock`), so two processes never drive one run: two would each
/// reconcile and create, and pay twice. The kernel drops the claim when its holder dies, SIGKILL included, so a
/// killed run never leaves the folder locked.
final class RunLock: Sendable {
    private let descriptor: Int32

    /// Claims `directory`; throws `StoreError` naming the process that holds it.
    init(directory: String) throws {
        let path = (directory as NSString).appendingPathComponent(".lock")
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError(reason: "\(path): cannot open the run's lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            let holder = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw StoreError(reason: "\(directory): another seedance process\(holder.isEmpty ? "" : " (pid \(holder))") "
                + "is running this run; wait for it to finish or stop it, then resume")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
