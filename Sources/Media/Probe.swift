import CFFmpeg
import Dispatch
import Foundation

/// Probes one file: container, main video and audio streams, faststart, as ffprobe would report them.
///
/// Throws `MediaError` for a missing file, a directory, an empty file, something that is not media (an HTML error
/// page), a truncated download, or a container with no audio or video. An audio-only file is not an error: its
/// `video` is nil.
public func probe(_ path: String, limits: OpenLimits = OpenLimits()) throws -> MediaInfo {
    try ProbeReader(input: InputFile.openForProbe(path, limits: limits)).info()
}

/// Probes several files concurrently on all cores. Results are in the order of `paths`, one per path.
///
/// Blocks the calling thread; FFmpeg's blocking reads never run on Swift's cooperative pool.
public func probeAll(_ paths: [String], limits: OpenLimits = OpenLimits()) -> [Result<MediaInfo, MediaError>] {
    let results = ResultSlots<MediaInfo>(count: paths.count)
    DispatchQueue.concurrentPerform(iterations: paths.count) { i in
        results[i] = Result { try probe(paths[i], limits: limits) }.mapError(MediaError.wrap)
    }
    return results.values
}

/// Probes several files concurrently without blocking the caller's async context.
public func probeAll(_ paths: [String], limits: OpenLimits = OpenLimits()) async -> [Result<MediaInfo, MediaError>] {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(returning: probeAll(paths, limits: limits))
        }
    }
}

extension MediaError {
    /// Any error as a MediaError (FFmpeg-backed code only throws MediaError; this is a safety net).
    static func wrap(_ error: any Error) -> MediaError {
        if let error = error as? MediaError { return error }
        return MediaError(.io, operation: "", reason: String(describing: error))
    }
}

/// Fixed slots written by concurrent workers, each slot by exactly one worker.
final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Result<Value, MediaError>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Result<Value, MediaError>? {
        get { lock.withLock { slots[index] } }
        set { lock.withLock { slots[index] = newValue } }
    }

    var values: [Result<Value, MediaError>] {
        lock.withLock {
            slots.map { $0 ?? .failure(MediaError(.io, operation: "", reason: "not processed")) }
        }
    }
}

/// Turns an open `InputFile` into a `MediaInfo`.
struct ProbeReader {
    let input: InputFile

    func info() throws -> MediaInfo {
        let ctx = input.context
        let formatName = ctx.pointee.iformat.map { String(cString: $0.pointee.name) } ?? "unknown"
        let sizeBytes = ctx.pointee.pb.map { avio_size($0) } ?? 0
        let isISO = formatName.contains("mov") || formatName.contains("mp4")

        var faststart: Bool?
        if isISO {
            let boxes = TopLevelBoxes(path: input.path)
            if let overrun = boxes.overrun {
                throw MediaError(.truncated, path: input.path, operation: "reading the MP4 boxes",
                                 reason: "truncated: the \(overrun.type) box at byte \(overrun.offset) declares "
                                     + "\(overrun.size) bytes but the file ends at byte \(boxes.fileSize) "
                                     + "(an incomplete download?)")
            }
            faststart = boxes.moovBeforeMdat
            try checkSampleDataPresent(fileSize: boxes.fileSize)
        }

        let video = input.bestStream(AVMEDIA_TYPE_VIDEO).flatMap(videoStream)
        let audio = input.bestStream(AVMEDIA_TYPE_AUDIO).flatMap(audioStream)
        if video == nil && audio == nil {
            throw MediaError(.noStreams, path: input.path, operation: "reading the streams",
                             reason: "the file has no audio or video stream")
        }
        return MediaInfo(
            file: input.path,
            formatName: formatName,
            duration: ctx.pointee.duration == cff_nopts_value() ? nil : seconds(ctx.pointee.duration, cff_time_base_q()),
            startTime: ctx.pointee.start_time == cff_nopts_value() ? nil : seconds(ctx.pointee.start_time, cff_time_base_q()),
            sizeBytes: sizeBytes,
            bitRate: ctx.pointee.bit_rate > 0 ? ctx.pointee.bit_rate : nil,
            faststart: faststart,
            streamCount: Int(ctx.pointee.nb_streams),
            video: video,
            audio: audio,
            tags: metadataTags(ctx.pointee.metadata)
        )
    }

    /// Every entry of an FFmpeg metadata dictionary; the dictionary stays owned by the format context.
    private func metadataTags(_ dictionary: OpaquePointer?) -> [String: String] {
        var tags: [String: String] = [:]
        var entry: UnsafeMutablePointer<AVDictionaryEntry>?
        while let next = av_dict_get(dictionary, "", entry, AV_DICT_IGNORE_SUFFIX) {
            tags[String(cString: next.pointee.key)] = String(cString: next.pointee.value)
            entry = next
        }
        return tags
    }

    /// A truncated download whose moov is intact still opens; its sample table then points past the end of the file.
    private func checkSampleDataPresent(fileSize: Int64) throws {
        for stream in input.streams {
            let type = stream.parameters?.pointee.codec_type
            guard type == AVMEDIA_TYPE_VIDEO || type == AVMEDIA_TYPE_AUDIO else { continue }
            let count = avformat_index_get_entries_count(stream)
            guard count > 0 else { continue }
            // Sample tables are in decode order, mostly ascending in offset; check the furthest of the last few.
            var furthest: Int64 = 0
            for i in max(0, count - 8)..<count {
                if let entry = avformat_index_get_entry(stream, i) {
                    furthest = max(furthest, entry.pointee.pos + Int64(entry.pointee.size))
                }
            }
            if furthest > fileSize {
                throw MediaError(.truncated, path: input.path, operation: "checking the sample data",
                                 reason: "truncated: the samples run to byte \(furthest) but the file ends at "
                                     + "byte \(fileSize) (an incomplete download?)")
            }
        }
    }

    private func videoStream(_ st: UnsafeMutablePointer<AVStream>) -> VideoStream? {
        guard let par = st.parameters?.pointee else { return nil }
        // A cover image (MJPEG/PNG "attached picture") is not the video.
        if st.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0 { return nil }
        let rotation = displayRotation(st)
        let swaps = abs(rotation) % 180 == 90
        let width = Int(par.width), height = Int(par.height)
        // Like ffprobe: the container's aspect (pasp) when set, else the codec's.
        let sar = Rational(av_guess_sample_aspect_ratio(input.context, st, nil))
        return VideoStream(
            index: Int(st.pointee.index),
            codec: String(cString: avcodec_get_name(par.codec_id)),
            profile: avcodec_profile_name(par.codec_id, par.profile).map { String(cString: $0) },
            width: width,
            height: height,
            displayWidth: swaps ? height : width,
            displayHeight: swaps ? width : height,
            rotation: rotation,
            frameRate: Rational(st.pointee.avg_frame_rate),
            realFrameRate: Rational(st.pointee.r_frame_rate),
            frameCount: st.pointee.nb_frames > 0 ? Int(st.pointee.nb_frames) : nil,
            pixelFormat: av_get_pix_fmt_name(AVPixelFormat(par.format)).map { String(cString: $0) },
            duration: streamTime(st.pointee.duration, st),
            startTime: streamTime(st.pointee.start_time, st),
            bitRate: par.bit_rate > 0 ? par.bit_rate : nil,
            timeBase: Rational(st.pointee.time_base),
            sampleAspectRatio: sar.isUnknown ? nil : sar
        )
    }

    private func audioStream(_ st: UnsafeMutablePointer<AVStream>) -> AudioStream? {
        guard let par = st.parameters?.pointee else { return nil }
        var layout = par.ch_layout
        var name: String?
        if layout.order != AV_CHANNEL_ORDER_UNSPEC {
            var buffer = [CChar](repeating: 0, count: 128)
            if av_channel_layout_describe(&layout, &buffer, buffer.count) > 0 {
                name = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            }
        }
        return AudioStream(
            index: Int(st.pointee.index),
            codec: String(cString: avcodec_get_name(par.codec_id)),
            profile: avcodec_profile_name(par.codec_id, par.profile).map { String(cString: $0) },
            sampleRate: Int(par.sample_rate),
            channels: Int(par.ch_layout.nb_channels),
            channelLayout: name,
            sampleFormat: av_get_sample_fmt_name(AVSampleFormat(par.format)).map { String(cString: $0) },
            duration: streamTime(st.pointee.duration, st),
            startTime: streamTime(st.pointee.start_time, st),
            bitRate: par.bit_rate > 0 ? par.bit_rate : nil,
            frameCount: st.pointee.nb_frames > 0 ? Int(st.pointee.nb_frames) : nil,
            timeBase: Rational(st.pointee.time_base)
        )
    }

    private func streamTime(_ value: Int64, _ st: UnsafeMutablePointer<AVStream>) -> Seconds? {
        value == cff_nopts_value() ? nil : seconds(value, st.pointee.time_base)
    }

    /// The display matrix's rotation in whole degrees, as ffprobe prints it (-180...180); 0 when there is none.
    private func displayRotation(_ st: UnsafeMutablePointer<AVStream>) -> Int {
        var size: Int = 0
        guard let data = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 else { return 0 }
        let degrees = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard degrees.isFinite else { return 0 }
        return Int(degrees.rounded())
    }
}

/// `value` in units of `timeBase`, in seconds rounded to the microsecond (ffprobe's precision).
func seconds(_ value: Int64, _ timeBase: AVRational) -> Seconds {
    guard timeBase.den != 0 else { return 0 }
    let exact = Double(value) * Double(timeBase.num) / Double(timeBase.den)
    return (exact * 1_000_000).rounded() / 1_000_000
}
