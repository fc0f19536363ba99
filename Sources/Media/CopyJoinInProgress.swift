import Foundation

/// A stream-copy join begun before all of its clips exist: clips are appended in order as they arrive, and
/// `concatenate(_:to:options:continuing:progress:)` appends the rest and finishes the file.
///
/// A copy join re-encodes the sound through the joins (see `ConcatCopier`), and FFmpeg's AAC encoder runs at about
/// 30 times real time on one core: 100 four-second clips cost about 13 s at the end of a run. Appended while the later
/// clips are still being made, that work is done by the time the last clip arrives. The file is the same, byte for
/// byte, as a join of the same clips in one pass: the same writer appends the same clips in the same order.
///
/// `concatenate` continues the join only when it is still the join asked for: the same output and options, the clips
/// appended are the first ones of its inputs, and none of their files changed since (device, inode, size and
/// modification time); and only when it chooses stream copy. Otherwise it drops it and joins from scratch. Until then
/// the output exists only under a temporary name beside it (`TemporaryPath`), removed when the join is dropped.
///
/// Thread-safe: calls are serialised by a lock (an append holds it while it reads and encodes one clip).
public final class CopyJoinInProgress: @unchecked Sendable {
    /// The file the join becomes.
    public let output: String
    /// The options of the join; `concatenate` continues it only with equal options.
    public let options: ConcatOptions

    private let lock = NSLock()
    private var writer: CopyJoinWriter?
    /// The first clip, open for the parameter comparison of the clips after it.
    private var first: ConcatClip?
    private var appended: [(path: String, identity: FileIdentity)] = []
    /// Why the join takes no more clips (nil: it does).
    private var closedReason: String?
    private var continued = false

    /// A join to `output` with nothing appended yet. Throws `MediaError` (`.invalidArgument`) for an output that is
    /// not MP4 or QuickTime, or options a stream copy cannot honour: normalize mode, a transition, a loudness target
    /// (each clip's gain depends on a measurement `concatenate` makes itself).
    public init(output: String, options: ConcatOptions = ConcatOptions()) throws {
        try ConcatPaths.requireSupportedContainer(output)
        guard options.mode != .normalize, options.transition == nil, options.loudness == nil else {
            throw MediaError(.invalidArgument, path: output, operation: "starting a join ahead",
                             reason: "only a plain stream copy can be joined ahead (no normalize mode, transition or "
                                 + "loudness target)")
        }
        self.output = output
        self.options = options
    }

    /// The clips appended so far, in order.
    public var paths: [String] { lock.withLock { appended.map(\.path) } }

    /// Whether more clips may be appended: false once one could not be (its parameters differ from the first
    /// clip's, or appending it failed) and once `concatenate` has taken the join over.
    public var isOpen: Bool { lock.withLock { closedReason == nil } }

    /// Why no more clips may be appended (nil while they may).
    public var closedBecause: String? { lock.withLock { closedReason } }

    /// Whether `concatenate` continued this join (rather than joining from scratch).
    public var wasContinued: Bool { lock.withLock { continued } }

    /// Appends the next clip of the sequence and returns true; returns false, appending nothing, when the join takes
    /// no more clips, or this clip cannot follow the first by stream copy (its parameters differ): the join then
    /// closes and is dropped, and `concatenate` will decide afresh. Throws `MediaError` when the clip cannot be read
    /// or the join cannot be written; the join is then dropped too (its temporary file removed).
    @discardableResult
    public func append(_ path: String) throws -> Bool {
        try lock.withLock {
            guard closedReason == nil else { return false }
            do {
                try ConcatPaths.requireDistinct(output: output, inputs: [path])
                // The identity is read before the clip is opened: a file replaced in between then no longer matches
                // it, and the final join starts afresh rather than keep what was read from the old file.
                guard let identity = FileIdentity(path) else {
                    throw MediaError(.io, path: path, operation: "reading the clip's file facts",
                                     reason: String(cString: strerror(errno)))
                }
                let clip = try ConcatClip(path: path, limits: options.limits)
                if let first, let mismatch = ConcatClip.firstCopyMismatch([first, clip]) {
                    close(because: "\(mismatch)")
                    return false
                }
                let writer = try self.writer ?? CopyJoinWriter(first: clip, output: output,
                                                              faststart: options.faststart,
                                                              audioBitRate: options.audioBitRate)
                if first == nil { first = clip }
                self.writer = writer
                try writer.append(clip) { _ in }
                appended.append((path, identity))
                return true
            } catch {
                close(because: "appending \(path) failed: \(error)")
                throw MediaError.wrap(error)
            }
        }
    }

    /// Hands the writer to `concatenate` when this join is a prefix of `inputs` to `output` with `options` and none
    /// of its clips changed since they were appended; returns it and how many clips it holds, or nil (the join is
    /// then dropped). Either way the join takes no more clips.
    func takeOver(inputs: [String], output: String, options: ConcatOptions) -> (writer: CopyJoinWriter, count: Int)? {
        lock.withLock {
            defer { close(because: "taken over by the final join") }
            guard let writer, closedReason == nil, output == self.output, options == self.options,
                  appended.count <= inputs.count,
                  zip(appended, inputs).allSatisfy({ $0.path == $1 && FileIdentity($1) == $0.identity })
            else { return nil }
            continued = true
            return (writer, appended.count)
        }
    }

    /// Takes no more clips; drops the writer (removing its temporary file) unless it was handed over.
    private func close(because reason: String) {
        if closedReason == nil { closedReason = reason }
        writer = nil
        first = nil
    }
}

/// What tells one version of a file from another without reading it: the same file under two names (a hard link)
/// has one identity; a file replaced by rename (a clip regenerated and put in place) has a new inode, and one
/// rewritten in place a new size or modification time.
public struct FileIdentity: Hashable, Sendable {
    /// The device and inode.
    public let device: UInt64, inode: UInt64
    /// The size in bytes and the modification time in nanoseconds since 1970.
    public let size: Int64, modified: Int64

    /// The identity of the file at `path`; nil when it cannot be read.
    public init?(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }
}
