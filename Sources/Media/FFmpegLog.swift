import CFFmpeg
import Foundation

/// Collects FFmpeg's own warnings and errors (its `av_log` lines) while a closure runs, so tests and checks can
/// assert that decoding or muxing was clean.
///
/// FFmpeg's log level and callback belong to the program, not to a library it links: `Media` never changes them
/// by itself (an app keeps FFmpeg's log as it set it up). A program that owns its process and reports failures its
/// own way, like the `seedance` command, opts in to silence with `silenceProcessWide()`. A capture installs a
/// callback only while it runs and puts FFmpeg's default callback back after.
///
/// FFmpeg's log callback is process-wide. By default a capture sees lines from every thread that logs while it is
/// active (including codec and filter threads), and concurrent captures each see all of them; `.callingThread`
/// keeps only lines logged on the thread that runs `body` (isolates concurrent work, but misses codec threads:
/// decode with one thread when that matters).
public enum FFmpegLog {
    /// Which threads' lines a capture keeps.
    public enum Scope: Sendable {
        /// Every thread's.
        case allThreads
        /// Only the calling thread's.
        case callingThread
    }

    /// Silences FFmpeg's own log for the whole process (`av_log_set_level(AV_LOG_QUIET)`): for programs whose
    /// failures come back as `MediaError` values and are reported by the program itself. Captures still see lines.
    public static func silenceProcessWide() {
        av_log_set_level(AV_LOG_QUIET)
    }

    /// Runs `body` and returns its result with the warning-or-worse lines FFmpeg logged meanwhile.
    public static func capturingWarnings<T>(_ scope: Scope = .allThreads,
                                            _ body: () throws -> T) rethrows -> (result: T, warnings: [String]) {
        let buffer = LogBuffer(thread: scope == .callingThread ? pthread_self() : nil)
        LogCaptures.shared.add(buffer)
        defer { LogCaptures.shared.remove(buffer) }
        let result = try body()
        return (result, buffer.lines)
    }
}

/// One capture's lines, appended from any thread.
final class LogBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    /// The only thread whose lines are kept, or nil for all.
    let thread: pthread_t?

    init(thread: pthread_t?) { self.thread = thread }

    func append(_ line: String) {
        if let thread, pthread_equal(thread, pthread_self()) == 0 { return }
        lock.withLock { collected.append(line) }
    }

    var lines: [String] { lock.withLock { collected } }
}

/// The active captures; installs the callback while there is at least one and restores FFmpeg's default after.
final class LogCaptures: @unchecked Sendable {
    static let shared = LogCaptures()
    private let lock = NSLock()
    private var buffers: [ObjectIdentifier: LogBuffer] = [:]

    func add(_ buffer: LogBuffer) {
        lock.withLock {
            if buffers.isEmpty { av_log_set_callback(ffmpegLogCallback) }
            buffers[ObjectIdentifier(buffer)] = buffer
        }
    }

    func remove(_ buffer: LogBuffer) {
        lock.withLock {
            buffers[ObjectIdentifier(buffer)] = nil
            // The default callback honours whatever level the program set.
            if buffers.isEmpty { av_log_set_callback(defaultLogCallback) }
        }
    }

    func deliver(_ line: String) {
        let targets = lock.withLock { Array(buffers.values) }
        for buffer in targets { buffer.append(line) }
    }
}

/// FFmpeg's default callback (it honours the quiet level), adapted to the imported callback type.
private func defaultLogCallback(_ context: UnsafeMutableRawPointer?, _ level: Int32,
                                _ format: UnsafePointer<CChar>?, _ arguments: CVaListPointer?) {
    if let arguments { av_log_default_callback(context, level, format, arguments) }
}

/// The C callback: formats warning-or-worse lines with FFmpeg's own prefix (`[h264 @ 0x...]`) and hands them on.
private func ffmpegLogCallback(_ context: UnsafeMutableRawPointer?, _ level: Int32,
                               _ format: UnsafePointer<CChar>?, _ arguments: CVaListPointer?) {
    // Debug and info lines are the common case on hot paths: drop them before formatting.
    guard level <= AV_LOG_WARNING, let format, let arguments else { return }
    var buffer = [CChar](repeating: 0, count: 1024)
    var printPrefix: Int32 = 1
    _ = av_log_format_line2(context, level, format, arguments, &buffer, Int32(buffer.count), &printPrefix)
    let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    if !line.isEmpty { LogCaptures.shared.deliver(line) }
}
