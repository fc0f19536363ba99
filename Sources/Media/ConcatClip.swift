import CFFmpeg
import Foundation

/// The first parameter that stops clips from being joined by stream copy: which one, and the two files and values.
public struct ConcatMismatch: Sendable, Hashable, CustomStringConvertible {
    /// The parameter, e.g. `video size`, `audio sample rate`.
    public var parameter: String
    /// The first clip (the reference).
    public var firstFile: String
    /// Its value.
    public var firstValue: String
    /// The clip that differs.
    public var file: String
    /// Its value.
    public var value: String

    /// `video size differs: a.mp4 has 320x240, b.mp4 has 480x240`.
    public var description: String {
        "\(parameter) differs: \(firstFile) has \(firstValue), \(file) has \(value)"
    }
}

/// One input clip, opened: its main video stream and (optional) audio stream, and what copy mode compares.
final class ConcatClip {
    let input: InputFile
    let video: UnsafeMutablePointer<AVStream>
    let audio: UnsafeMutablePointer<AVStream>?
    /// The video stream's codec parameters (checked present when the clip is opened).
    let videoParameters: UnsafeMutablePointer<AVCodecParameters>
    /// The audio stream's codec parameters, nil without audio.
    let audioParameters: UnsafeMutablePointer<AVCodecParameters>?
    /// The limits the clip was opened with; `loadStreamInfo` decodes under the same ones.
    let limits: OpenLimits
    /// The display matrix's rotation (counter-clockwise degrees, as `av_display_rotation_get` returns), 0 if none.
    let rotation: Int
    /// The clip's length: its longest stream (the concat filter's rule), in seconds.
    let duration: Seconds
    /// The video stream's own length, in seconds.
    let videoDuration: Seconds
    /// Gain in dB applied to this clip's audio when joining (set by `--loudness`), nil for none.
    var gain: Double?

    /// The audio filters that bring this clip to the loudness target: the gain, then a limiter at -1 dBFS with its
    /// look-ahead delay compensated (a quiet clip raised to the target would otherwise clip); "" without a gain.
    var gainFilters: String {
        guard let gain else { return "" }
        return "volume=\(String(format: "%.3f", gain))dB:precision=float,alimiter=limit=0.891:level=0:latency=1,"
    }

    var path: String { input.path }

    init(path: String, limits: OpenLimits = OpenLimits()) throws {
        // The container's own tables (moov) hold what copy mode compares: codec, size, rates, the codec headers
        // (whose SPS fixes profile and pixel format). Decoding frames for stream info (several ms per clip) waits
        // until normalize needs it: `loadStreamInfo()`.
        input = try InputFile.openChecked(path, limits: limits, findStreamInfo: false)
        self.limits = limits
        guard let video = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError(.noVideo, path: path, operation: "opening a clip to concatenate",
                             reason: "the file has no video stream")
        }
        self.video = video
        videoParameters = try video.requireParameters(path: path, operation: "opening a clip to concatenate")
        let audio = input.bestStream(AVMEDIA_TYPE_AUDIO)
        self.audio = audio
        audioParameters = try audio?.requireParameters(path: path, operation: "opening a clip to concatenate")
        rotation = Self.displayRotation(video)
        let streamSeconds = { (st: UnsafeMutablePointer<AVStream>) -> Seconds? in
            st.pointee.duration > 0 ? seconds(st.pointee.duration, st.pointee.time_base) : nil
        }
        let container = input.context.pointee.duration > 0
            ? seconds(input.context.pointee.duration, cff_time_base_q()) : nil
        videoDuration = streamSeconds(video) ?? container ?? 0
        duration = max(videoDuration, audio.flatMap(streamSeconds) ?? 0)
    }

    private var streamInfoLoaded = false

    /// Reads the stream parameters only decoding reveals (pixel and sample formats), bounded like an open: the
    /// clip's wall-clock limit and its `maxPixels` (a crafted header claiming a huge picture would otherwise cost
    /// gigabytes in the trial decode, as `probe` already prevents).
    func loadStreamInfo() throws {
        guard !streamInfoLoaded else { return }
        input.extendDeadline(by: limits.timeout)
        let status = InputFile.findStreamInfo(input.context, maxPixels: limits.maxPixels)
        if status < 0 {
            throw MediaError(.notMedia, path: path, operation: "reading stream parameters",
                             reason: "could not read the stream parameters", ffmpegCode: status)
        }
        streamInfoLoaded = true
    }

    /// Reads the next packet, first pushing back the wall-clock limit: a long job is fine, a stalled read is not.
    func read(into packet: Packet) throws -> Bool {
        input.extendDeadline(by: 60)
        return try input.read(into: packet)
    }

    /// The frame rate the clip declares: average, else the base rate, else nil.
    var frameRate: AVRational? {
        for rate in [video.pointee.avg_frame_rate, video.pointee.r_frame_rate] where rate.num > 0 && rate.den > 0 {
            return rate
        }
        return nil
    }

    /// Width and height as displayed (swapped for a quarter turn).
    var displaySize: (width: Int, height: Int) {
        let par = videoParameters.pointee
        return abs(rotation) % 180 == 90 ? (Int(par.height), Int(par.width)) : (Int(par.width), Int(par.height))
    }

    /// The named values copy mode needs equal, in the order reported: a file can hold one set of codec
    /// parameters per track, and a decoder cannot follow a change in the middle.
    var copyParameters: [(name: String, value: String)] {
        let v = videoParameters.pointee
        var list: [(String, String)] = [
            ("video codec", codecName(v.codec_id)),
            ("video profile", avcodec_profile_name(v.codec_id, v.profile).map { String(cString: $0) } ?? "\(v.profile)"),
            ("video size", "\(v.width)x\(v.height)"),
            ("video pixel format", av_get_pix_fmt_name(AVPixelFormat(v.format)).map { String(cString: $0) } ?? "unknown"),
            ("video sample aspect ratio", Self.sar(v.sample_aspect_ratio)),
            ("video frame rate", frameRate.map { "\($0.num)/\($0.den)" } ?? "unknown"),
            ("video rotation", "\(rotation) degrees"),
            ("video codec extradata (SPS/PPS)", Self.digest(v.extradata, Int(v.extradata_size))),
            ("audio stream", audio == nil ? "none" : "one"),
        ]
        if let audioParameters {
            let a = audioParameters.pointee
            list += [
                ("audio codec", codecName(a.codec_id)),
                ("audio profile", avcodec_profile_name(a.codec_id, a.profile).map { String(cString: $0) } ?? "\(a.profile)"),
                ("audio sample rate", "\(a.sample_rate) Hz"),
                ("audio channels", "\(a.ch_layout.nb_channels)"),
                ("audio codec extradata", Self.digest(a.extradata, Int(a.extradata_size))),
            ]
        }
        return list
    }

    /// A short description of the shared parameters, for the summary.
    var parameterSummary: String {
        let v = videoParameters.pointee
        var text = "\(codecName(v.codec_id)) \(v.width)x\(v.height)"
        if let rate = frameRate { text += " \(Self.rateText(rate)) fps" }
        if let audioParameters {
            let a = audioParameters.pointee
            text += "; \(codecName(a.codec_id)) \(a.sample_rate) Hz \(a.ch_layout.nb_channels) ch"
        } else {
            text += "; no audio"
        }
        return text
    }

    /// The first parameter in which a clip differs from the first clip, or nil when copy is valid.
    static func firstCopyMismatch(_ clips: [ConcatClip]) -> ConcatMismatch? {
        guard let first = clips.first else { return nil }
        let reference = first.copyParameters
        for clip in clips.dropFirst() {
            let values = clip.copyParameters
            for (index, (name, value)) in values.enumerated() where index < reference.count {
                if reference[index].name == name, reference[index].value != value {
                    return ConcatMismatch(parameter: name, firstFile: first.path, firstValue: reference[index].value,
                                          file: clip.path, value: value)
                }
            }
        }
        return nil
    }

    private func codecName(_ id: AVCodecID) -> String { String(cString: avcodec_get_name(id)) }

    private static func sar(_ r: AVRational) -> String {
        r.num == 0 || r.den == 0 ? "1:1" : { var n: Int32 = 0, d: Int32 = 0
            av_reduce(&n, &d, Int64(r.num), Int64(r.den), 1 << 20); return "\(n):\(d)" }()
    }

    static func rateText(_ r: AVRational) -> String {
        r.den == 1 ? "\(r.num)" : String(format: "%.3f", Double(r.num) / Double(r.den))
    }

    /// Extradata compared by content; shown as its length and a short hash (the bytes themselves mean little).
    private static func digest(_ bytes: UnsafeMutablePointer<UInt8>?, _ count: Int) -> String {
        guard let bytes, count > 0 else { return "none" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a
        for i in 0..<count { hash = (hash ^ UInt64(bytes[i])) &* 0x100_0000_01b3 }
        return "\(count) bytes #\(String(hash, radix: 16).prefix(8))"
    }

    private static func displayRotation(_ st: UnsafeMutablePointer<AVStream>) -> Int {
        var size: Int = 0
        guard let data = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 else { return 0 }
        let degrees = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard degrees.isFinite else { return 0 }
        let rounded = Int(degrees.rounded())
        return rounded == -180 ? 180 : rounded
    }
}
