import CFFmpeg
import Foundation
import Logging

/// Which frame of a clip to take.
public enum FramePosition: Sendable, Hashable, CustomStringConvertible {
    /// The frame the ffmpeg CLI picks for `ffmpeg -ss T -i FILE -frames:v 1`: the first frame whose presentation
    /// time is at or after `T` seconds from the start of the file. When `T` falls after the last frame's time but
    /// within the clip, the last frame (the one still on screen at `T`).
    case seconds(Seconds)
    /// The last frame in presentation order (the frame to continue a multi-shot edit from).
    case last

    /// `1.500 s` or `the last frame`, for messages.
    public var description: String {
        switch self {
        case .seconds(let t): return fixedDecimal(t, places: 3) + " s"
        case .last: return "the last frame"
        }
    }
}

/// Decodes chosen frames of one file's main video stream with the ffmpeg CLI's accurate-seek method.
///
/// For a time T: seek to the keyframe at or before T (in AV_TIME_BASE units, plus the file's start time, exactly as
/// `ffmpeg -ss` does), flush the decoder, decode and discard frames until `best_effort_timestamp >= T`, and drain
/// the decoder at the end of the file so the last frames are reachable. Several increasing times reuse the
/// decoding already done when the next time's keyframe lies behind what has been read (no re-seek). Frames shown
/// before T that nothing refers to are not decoded at all. A seek that lands past T or where nothing decodes
/// (MPEG-TS seeks by timestamp, not keyframe) is followed by decoding from the start of the file.
/// Not thread-safe: one thread at a time.
final class FrameGrabber {
    let path: String
    let info: MediaInfo
    let video: VideoStream
    private var input: InputFile
    private var stream: UnsafeMutablePointer<AVStream>
    private var decoder: MediaDecoder
    private let logger: Logger
    private let limits: OpenLimits
    private let packet: Packet
    private var current: Frame
    /// The file's start time in AV_TIME_BASE units (0 when unknown), added to every requested time like ffmpeg.
    private var startMicroseconds: Int64 = 0

    // Decoding state between requests.
    private var started = false
    private var drained = false
    /// The decode timestamp of the last video packet sent, in stream time base.
    private var lastSentDTS: Int64 = Int64.min
    /// The presentation timestamp of the last frame decoded (returned or passed over), in stream time base.
    private var lastDecodedPTS: Int64 = Int64.min
    /// Frames decoded since the last seek (for the log and the "nothing decodable" error).
    private(set) var decodedSinceSeek = 0
    private var decodeErrors = 0
    /// Frames the last grab decoded in all (for logs and benchmarks).
    private(set) var framesDecoded = 0

    /// How long decoding one request may take before it is abandoned (hostile input).
    static let decodeTimeLimit: Seconds = 120

    /// Opens `path`, checks it like `probe` does (a truncated download or a non-media file fails here with the
    /// same words), and opens a decoder for its main video stream.
    init(path: String, limits: OpenLimits = OpenLimits(), logger: Logger) throws {
        // The probe's own open: no trial decoding when the container declares the parameters (the first frame is
        // decoded anyway, after the seek), and no audio decoding, since only the video is used.
        let input = try InputFile.openForProbe(path, limits: limits, decodeAudio: false)
        let info = try ProbeReader(input: input).info()
        guard let video = info.video, video.index < input.streams.count else {
            let what = info.audio.map { "it has only audio (\($0.codec))" } ?? "it has no video stream"
            throw MediaError(.noVideo, path: path, operation: "finding the video stream",
                             reason: "no video to take a frame from: \(what)")
        }
        self.path = path
        self.info = info
        self.video = video
        self.input = input
        self.logger = logger
        self.limits = limits
        stream = input.streams[video.index]
        decoder = try MediaDecoder(input: input, stream: stream, maxPixels: limits.maxPixels)
        packet = try Packet()
        current = try Frame()
        let start = input.context.pointee.start_time
        startMicroseconds = start == cff_nopts_value() ? 0 : start
        input.extendDeadline(by: Self.decodeTimeLimit)
    }

    /// The clip's length in seconds (the container's duration, which is the longest stream), nil when unknown.
    var duration: Seconds? { info.duration }

    /// The time base of the decoded frames' timestamps.
    var timeBase: AVRational { stream.pointee.time_base }

    /// The display matrix of the video stream (9 values, 16.16 fixed point), nil when there is none.
    var displayMatrix: [Int32]? {
        var size: Int = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 else {
            return nil
        }
        return data.withMemoryRebound(to: Int32.self, capacity: 9) { Array(UnsafeBufferPointer(start: $0, count: 9)) }
    }

    /// The decoder (for the frame parameters a filter graph is built with).
    var videoDecoder: MediaDecoder { decoder }

    /// A frame's presentation time in seconds from the start of the file (as `-ss` counts).
    func seconds(of frame: Frame) -> Seconds? {
        let ts = frame.pointer.pointee.best_effort_timestamp
        guard ts != cff_nopts_value() else { return nil }
        let micro = av_rescale_q(ts, stream.pointee.time_base, cff_time_base_q()) - startMicroseconds
        return Double(micro) / 1_000_000
    }

    /// Decodes the frame at `position`; throws `.invalidArgument` for a time before 0 or past the clip's end.
    func frame(at position: FramePosition) throws -> Frame {
        switch position {
        case .seconds(let t):
            try checkInRange(t)
            let micro = Int64((t * 1_000_000).rounded()) + startMicroseconds
            let target = av_rescale_q(micro, cff_time_base_q(), stream.pointee.time_base)
            return try grab(targetPTS: target, seekMicroseconds: micro)
        case .last:
            // Seek to the keyframe before the end, decode to the end, keep the last frame shown.
            let end = duration.map { Int64(($0 * 1_000_000).rounded()) + startMicroseconds } ?? Int64.max / 2
            return try grab(targetPTS: nil, seekMicroseconds: end)
        }
    }

    /// Throws a clear error when `t` is not within the clip.
    func checkInRange(_ t: Seconds) throws {
        guard t.isFinite else {
            throw MediaError(.invalidArgument, path: path, operation: "choosing a frame", reason: "the time is not a number")
        }
        if t < 0 {
            throw MediaError(.invalidArgument, path: path, operation: "choosing a frame",
                             reason: "time \(Self.format(t)) is negative: \(clipLength)")
        }
        if let duration, t > duration {
            throw MediaError(.invalidArgument, path: path, operation: "choosing a frame",
                             reason: "time \(Self.format(t)) is past the end: \(clipLength)")
        }
    }

    private var clipLength: String {
        guard let duration else { return "the clip's duration is unknown" }
        return "the clip is \(Self.format(duration)) long (times run from 0 to \(Self.format(duration)))"
    }

    static func format(_ t: Seconds) -> String {
        var text = fixedDecimal(t, places: 3)
        while text.hasSuffix("0") && text.contains(".") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + " s"
    }

    /// Decodes until the first frame with `best_effort_timestamp >= targetPTS` (nil: none, keep going to the end)
    /// and returns it; at the end of the stream returns the last frame decoded.
    ///
    /// With `skipping`, packets shown before the target are decoded only if other frames refer to them
    /// (`skip_frame = AVDISCARD_NONREF`): their pictures would be thrown away anyway, so the frame returned is the
    /// same, sooner. Should the end of the stream come first (the answer is then the last frame, which may have been
    /// skipped), the request is decoded again without skipping.
    ///
    /// `fromStart` decodes from the beginning of the file instead of seeking: the fallback when a seek lands where
    /// nothing can be decoded (an MPEG-TS seek past the last keyframe, where the ffmpeg CLI writes no image).
    private func grab(targetPTS: Int64?, seekMicroseconds: Int64, skipping: Bool = true,
                      fromStart: Bool = false) throws -> Frame {
        let seeked = fromStart || needsSeek(targetPTS: targetPTS)
        if fromStart {
            try reopen()
            resetDecodingState()
        } else if seeked {
            try seek(toMicroseconds: seekMicroseconds)
        }
        framesDecoded = 0
        var previous: Frame?
        var sendPending = false
        var skippable = 0
        defer { decoder.context.pointee.skip_frame = AVDISCARD_DEFAULT }
        while true {
            // Take every frame the decoder has ready before feeding it more.
            while try receive() {
                framesDecoded += 1
                let ts = current.pointer.pointee.best_effort_timestamp
                if ts != cff_nopts_value() { lastDecodedPTS = ts }
                if seeked, !fromStart, decodedSinceSeek == 1, let targetPTS, overshot(firstPTS: ts, target: targetPTS) {
                    // A seek to a keyframe at or before T gives a first frame at or before T. This one is later: the
                    // demuxer landed past T (MPEG-TS seeks by timestamp, not keyframe), where the ffmpeg CLI returns
                    // whatever decodes first. Decoding from the start finds the frame the rule asks for.
                    logger.debug("the seek overshot the target: decoding from the start", metadata: ["pts": "\(ts)"])
                    return try grab(targetPTS: targetPTS, seekMicroseconds: seekMicroseconds, skipping: skipping,
                                    fromStart: true)
                }
                if let targetPTS, ts == cff_nopts_value() || ts >= targetPTS {
                    logger.debug("frame found", metadata: ["pts": "\(ts)", "decoded": "\(framesDecoded)"])
                    return try take(current)
                }
                // Keep it: at the end of the stream the last frame before the target is the answer.
                let kept = try previous ?? Frame()
                kept.unref()
                av_frame_move_ref(kept.pointer, current.pointer)
                previous = kept
            }
            if drained { break }
            if !sendPending {
                packet.unref()
                if try !input.read(into: packet) {
                    drained = true
                    _ = try? decoder.send(nil)
                    continue
                }
                guard packet.pointer.pointee.stream_index == stream.pointee.index else { continue }
                let pts = packet.pointer.pointee.pts
                let before = skipping && targetPTS.map { pts != cff_nopts_value() && pts < $0 } == true
                decoder.context.pointee.skip_frame = before ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
                if before { skippable += 1 }
            }
            sendPending = try send(packet)
        }
        if seeked && decodedSinceSeek == 0 && !fromStart {
            logger.debug("nothing decodable after the seek: decoding from the start")
            return try grab(targetPTS: targetPTS, seekMicroseconds: seekMicroseconds, skipping: skipping,
                            fromStart: true)
        }
        if skippable > 0 {
            logger.debug("end of stream before the target: decoding again without skipping")
            started = false
            return try grab(targetPTS: targetPTS, seekMicroseconds: seekMicroseconds, skipping: false,
                            fromStart: fromStart)
        }
        if let previous {
            logger.debug("end of stream: returning the last frame", metadata: ["decoded": "\(framesDecoded)"])
            return previous
        }
        if !seeked {
            // The last frame went out with an earlier request: start over from a seek.
            started = false
            return try grab(targetPTS: targetPTS, seekMicroseconds: seekMicroseconds)
        }
        if (stream.parameters?.pointee.width ?? 0) <= 0 {
            // Probing stops at `maxPixels` before it learns a picture's size: say so rather than "broken".
            throw MediaError(.decodeFailed, path: path, operation: "decoding video",
                             reason: "no frame could be decoded and the picture size is unknown: a picture larger "
                                 + "than the limit of \(limits.maxPixels) pixels (a crafted file?) or a damaged header")
        }
        throw MediaError(.decodeFailed, path: path, operation: "decoding video",
                         reason: decodeErrors > 0
                            ? "no frame could be decoded (\(decodeErrors) damaged packets: the video data is broken)"
                            : "the video stream holds no frames")
    }

    /// Whether the first frame after a seek shows that the seek went past `target`: it is later than the target,
    /// and the target is not before the stream's first frame (then any first frame is later).
    private func overshot(firstPTS: Int64, target: Int64) -> Bool {
        guard firstPTS != cff_nopts_value(), firstPTS > target else { return false }
        let streamStart = stream.pointee.start_time
        return streamStart == cff_nopts_value() || target > streamStart
    }

    /// Whether reading on from here could reach the target, or a seek is needed.
    private func needsSeek(targetPTS: Int64?) -> Bool {
        guard started, !drained else { return true }
        guard let targetPTS, targetPTS > lastDecodedPTS else { return true }
        // The keyframe that decoding `targetPTS` needs: if it was already read past, decoding on gets there.
        let index = av_index_search_timestamp(stream, targetPTS, AVSEEK_FLAG_BACKWARD)
        guard index >= 0, let entry = avformat_index_get_entry(stream, index) else { return true }
        return entry.pointee.timestamp > lastSentDTS
    }

    private func seek(toMicroseconds micro: Int64) throws {
        var seekTo = micro
        // ffmpeg's heuristic for formats that seek by DTS and streams with B-frames: seek a little earlier.
        let formatFlags = input.context.pointee.iformat.map { $0.pointee.flags } ?? 0
        if formatFlags & AVFMT_SEEK_TO_PTS == 0,
           input.streams.contains(where: { ($0.parameters?.pointee.video_delay ?? 0) > 0 }) {
            seekTo -= 3 * cff_time_base() / 23
        }
        let status = avformat_seek_file(input.context, -1, Int64.min, seekTo, seekTo, 0)
        if status < 0 {
            logger.debug("seek failed; reading from the start", metadata: ["status": "\(status)"])
            if started { try reopen() }
        }
        decoder.flush()
        resetDecodingState()
    }

    /// The state of a decoder that has just been flushed or opened.
    private func resetDecodingState() {
        started = true
        drained = false
        lastSentDTS = Int64.min
        lastDecodedPTS = Int64.min
        decodedSinceSeek = 0
    }

    /// A fresh demuxer and decoder at the start of the file (when a seek back is refused).
    ///
    /// The new pair is built completely before it replaces the old one: should the file have changed under us (no
    /// stream at the video's index any more, a picture over the limit), the error leaves the grabber with its old
    /// input and the decoder made for it, never a decoder of one file reading another's packets.
    func reopen() throws {
        let freshInput = try InputFile(path: path, limits: limits)
        let streams = freshInput.streams
        guard video.index < streams.count, streams[video.index].parameters?.pointee.codec_type == AVMEDIA_TYPE_VIDEO
        else {
            throw MediaError(.decodeFailed, path: path, operation: "reopening the file",
                             reason: "the file changed while it was read: stream \(video.index) is no longer its video")
        }
        let freshStream = streams[video.index]
        let freshDecoder = try MediaDecoder(input: freshInput, stream: freshStream, maxPixels: limits.maxPixels)
        freshInput.extendDeadline(by: Self.decodeTimeLimit)
        input = freshInput
        stream = freshStream
        decoder = freshDecoder
    }

    /// Sends `packet`; returns true when the decoder was full and the packet must be sent again.
    private func send(_ packet: Packet) throws -> Bool {
        do {
            let step = try decoder.send(packet)
            if step == .needsInput { return true }
        } catch let error as MediaError {
            // Like the ffmpeg CLI: a damaged packet is skipped, decoding goes on.
            decodeErrors += 1
            logger.debug("skipping a damaged packet", metadata: ["error": "\(error)"])
            if decodeErrors > 1000 { throw error }
        }
        let dts = packet.pointer.pointee.dts
        if dts != cff_nopts_value() { lastSentDTS = max(lastSentDTS, dts) }
        return false
    }

    private func receive() throws -> Bool {
        current.unref()
        do {
            if try decoder.receive(into: current) == .produced {
                decodedSinceSeek += 1
                return true
            }
        } catch let error as MediaError {
            decodeErrors += 1
            logger.debug("the decoder failed on a frame", metadata: ["error": "\(error)"])
            if decodeErrors > 1000 { throw error }
            return try receive()
        }
        return false
    }

    /// Moves `frame`'s content into a new frame the caller owns.
    private func take(_ frame: Frame) throws -> Frame {
        let result = try Frame()
        av_frame_move_ref(result.pointer, frame.pointer)
        return result
    }
}
