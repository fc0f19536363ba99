import CFFmpeg
import Foundation

/// Copy-mode concatenation, written one clip at a time: the video stream copied packet for packet, the audio
/// re-encoded once through the joins.
///
/// Why the audio is re-encoded: every AAC clip starts with 1024 samples of encoder priming and ends with padding,
/// which an MP4 hides with one edit list per track. Joined by stream copy, every join but the first would play the
/// next clip's priming and the previous clip's padding (about 43 ms at 48 kHz), so the video has to wait for the
/// audio (a held frame, an average rate below 24) or the two drift apart. Re-encoding only the audio (FFmpeg's AAC
/// encoder runs at about 30 times real time on one core; `CopyJoinInProgress` does it ahead) makes the join
/// exact: each clip's video follows the previous one's last frame with no gap, and each clip's decoded audio, its
/// priming already dropped by the decoder, is cut or padded with silence to exactly its video's length (counted
/// cumulatively, so 20 joins do not drift).
/// The output is one constant-frame-rate video whose frame count is the sum of the inputs' and one continuous audio
/// track with a single priming edit, ending within one audio frame of the video.
///
/// The muxer, the video track's position and the audio encoder stay open between clips, so the clips can be appended
/// as they arrive (`CopyJoinInProgress`) and the file is the same, byte for byte, as one written in a single pass.
///
/// Until `finish` the output exists only under its temporary name, removed if the writer is dropped unfinished.
final class CopyJoinWriter {
    /// What a copy did beyond copying.
    struct CopyResult {
        /// Seconds of silence added where a clip's audio ended before its video.
        var silenceFilled: Seconds
        /// Seconds of audio cut where a clip's audio ran past its video.
        var audioTrimmed: Seconds
    }

    private let muxer: OutputFile
    private let video: VideoTrack
    private let audio: AudioJoin?
    /// Media time of the clips appended so far (their longest streams), for progress.
    private var doneBefore: Seconds = 0

    /// Opens the output with `first`'s video parameters and rotation and, when it has sound, an AAC track at its
    /// rate, channels and bit rate (`audioBitRate` when it states none); appends nothing yet.
    init(first: ConcatClip, output: String, faststart: Bool, audioBitRate: Int) throws {
        let muxer = try OutputFile(path: output)
        self.muxer = muxer
        // Hold each stream's packets until the other's catch up: a clip's audio is encoded after its video is read,
        // and the default 10 s interleaving window would otherwise write long clips' video in one block.
        muxer.context.pointee.max_interleave_delta = 0
        let videoOut = try muxer.addStream(copying: first.videoParameters)
        videoOut.pointee.time_base = first.video.pointee.time_base
        videoOut.pointee.avg_frame_rate = first.video.pointee.avg_frame_rate
        try Self.copyDisplayMatrix(from: first.video, to: videoOut, output: output)
        audio = try first.audioParameters.map { try AudioJoin(template: $0, muxer: muxer, bitRate: audioBitRate) }
        try muxer.writeHeader(faststart: faststart)
        video = VideoTrack(stream: videoOut)
    }

    /// Appends `clip` (whose parameters the caller has checked against the first clip's): its video packets follow
    /// the last frame written, its sound is decoded, cut or padded to its video's end and encoded.
    func append(_ clip: ConcatClip, progress: (Seconds) -> Void) throws {
        var audioPackets: [Packet] = []
        let before = doneBefore
        try copyVideo(of: clip, keepingAudio: &audioPackets) { done in progress(before + done) }
        if let audio, let stream = clip.audio, let parameters = clip.audioParameters {
            try audio.append(audioPackets, of: stream, parameters: parameters, in: clip, until: video.endSeconds,
                             filters: clip.gainFilters)
        }
        doneBefore += clip.duration
    }

    /// Ends the audio track and the file, and moves it to its name.
    func finish() throws -> CopyResult {
        try audio?.finish()
        try muxer.finish()
        return CopyResult(silenceFilled: audio?.silenceFilled ?? 0, audioTrimmed: audio?.trimmed ?? 0)
    }

    /// The output video stream and where it has got to, in its own time base.
    private final class VideoTrack {
        let stream: UnsafeMutablePointer<AVStream>
        /// The end of the last frame shown (pts + duration), Int64.min before the first packet.
        var endPTS = Int64.min
        /// The last DTS written, Int64.min before the first packet.
        var lastDTS = Int64.min

        init(stream: UnsafeMutablePointer<AVStream>) { self.stream = stream }

        var timeBase: AVRational { stream.pointee.time_base }
        var endSeconds: Seconds { endPTS == Int64.min ? 0 : seconds(endPTS, timeBase) }
    }

    /// Copies the clip's video packets so its first frame follows the previous clip's last frame exactly; keeps its
    /// audio packets (compressed: a few hundred KB for 15 s) for `AudioJoin`.
    private func copyVideo(of clip: ConcatClip, keepingAudio audioPackets: inout [Packet],
                           progress: (Seconds) -> Void) throws {
        let track = video
        let videoIndex = clip.video.pointee.index, audioIndex = clip.audio?.pointee.index
        let inBase = clip.video.pointee.time_base
        var offset: Int64?
        var startSeconds: Seconds?
        // Some muxers leave packet durations unset: a frame then lasts one frame period of the clip's rate.
        let framePeriod = clip.frameRate.map { av_rescale_q(1, AVRational(num: $0.den, den: $0.num), track.timeBase) } ?? 0
        while true {
            let packet = try Packet()
            guard try clip.read(into: packet) else { break }
            let p = packet.pointer
            if p.pointee.stream_index == audioIndex {
                audioPackets.append(packet)
                continue
            }
            guard p.pointee.stream_index == videoIndex else { continue }
            av_packet_rescale_ts(p, inBase, track.timeBase)
            if offset == nil {
                // The first packet in decode order is the clip's first picture (a closed GOP starts with it); its pts
                // moves to where the previous clip's last frame ends.
                let start = p.pointee.pts != cff_nopts_value() ? p.pointee.pts : p.pointee.dts
                var shift = (track.endPTS == Int64.min ? 0 : track.endPTS) - (start == cff_nopts_value() ? 0 : start)
                // A clip with a deeper B-frame delay than the previous one would step its DTS back: hold it by the
                // least that keeps DTS increasing (never needed for clips of one encoder).
                if track.lastDTS != Int64.min, p.pointee.dts != cff_nopts_value(), p.pointee.dts + shift <= track.lastDTS {
                    shift = track.lastDTS + 1 - p.pointee.dts
                }
                offset = track.endPTS == Int64.min ? 0 : shift
            }
            let shift = offset ?? 0
            if p.pointee.pts != cff_nopts_value() { p.pointee.pts += shift }
            if p.pointee.dts != cff_nopts_value() {
                p.pointee.dts += shift
                track.lastDTS = max(track.lastDTS, p.pointee.dts)
                let now = seconds(p.pointee.dts, track.timeBase)
                if startSeconds == nil { startSeconds = now }
                progress(now - (startSeconds ?? 0))
            }
            if p.pointee.pts != cff_nopts_value() {
                track.endPTS = max(track.endPTS, p.pointee.pts + (p.pointee.duration > 0 ? p.pointee.duration : framePeriod))
            }
            p.pointee.stream_index = track.stream.pointee.index
            p.pointee.pos = -1
            try muxer.write(packet)
        }
    }

    private static func copyDisplayMatrix(from input: UnsafeMutablePointer<AVStream>,
                                          to output: UnsafeMutablePointer<AVStream>, output path: String) throws {
        var size: Int = 0
        guard let data = av_stream_get_side_data(input, AV_PKT_DATA_DISPLAYMATRIX, &size), size > 0 else { return }
        guard let copy = av_stream_new_side_data(output, AV_PKT_DATA_DISPLAYMATRIX, size) else {
            throw MediaError(.io, path: path, operation: "copying the rotation", reason: "out of memory")
        }
        copy.update(from: data, count: size)
    }
}

/// The joined audio track: each clip's audio decoded, cut or padded to its video's length, and encoded once (AAC).
///
/// Lengths are counted from the start of the sequence: after clip k the track holds round(video end of clip k x
/// rate) samples, so rounding never accumulates over many joins.
private final class AudioJoin {
    private let muxer: OutputFile
    private let encoder: MediaEncoder
    private let stream: UnsafeMutablePointer<AVStream>
    private let graph: FilterGraph
    private let sampleRate: Int32
    private let channels: Int32
    private let frame: Frame
    private let filtered: Frame
    private let packet: Packet
    /// Samples handed to the graph so far.
    private var written: Int64 = 0
    /// Samples of silence added, and of audio cut, over all clips.
    private var filledSamples: Int64 = 0
    private var trimmedSamples: Int64 = 0

    init(template: UnsafeMutablePointer<AVCodecParameters>, muxer: OutputFile, bitRate: Int) throws {
        let par = template.pointee
        sampleRate = par.sample_rate
        channels = max(1, par.ch_layout.nb_channels)
        self.muxer = muxer
        let rate = sampleRate, count = channels
        let bits = par.bit_rate > 0 ? Int64(min(max(Int(par.bit_rate), 64_000), 320_000)) : Int64(bitRate)
        encoder = try MediaEncoder(codecName: "aac") { ctx in
            ctx.pointee.sample_rate = rate
            av_channel_layout_default(&ctx.pointee.ch_layout, count)
            ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
            ctx.pointee.bit_rate = bits
            ctx.pointee.time_base = AVRational(num: 1, den: rate)
            if muxer.needsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        }
        stream = try muxer.addStream(encoder: encoder)
        var layout = AVChannelLayout()
        av_channel_layout_default(&layout, count)
        // One source of float planar samples whose timestamps this class sets; the graph only re-frames them into
        // the 1024-sample frames AAC needs (the last one shorter).
        graph = try FilterGraph(
            sources: [("in", .audio(sampleRate: rate, sampleFormat: AV_SAMPLE_FMT_FLTP,
                                    channelLayout: channelLayoutName(&layout), timeBase: AVRational(num: 1, den: rate)))],
            sinks: [("out", false)], description: "[in]asetnsamples=n=\(encoder.context.pointee.frame_size):p=0[out]")
        frame = try Frame()
        filtered = try Frame()
        packet = try Packet()
    }

    var silenceFilled: Seconds { Double(filledSamples) / Double(sampleRate) }
    var trimmed: Seconds { Double(trimmedSamples) / Double(sampleRate) }

    /// Decodes one clip's audio packets and appends its samples up to `videoEnd` seconds of the sequence.
    /// `filters` (libavfilter syntax, ending in a comma, or "") run first: the loudness gain.
    func append(_ packets: [Packet], of source: UnsafeMutablePointer<AVStream>,
                parameters: UnsafeMutablePointer<AVCodecParameters>, in clip: ConcatClip, until videoEnd: Seconds,
                filters: String = "") throws {
        let path = clip.path
        let target = Int64((videoEnd * Double(sampleRate)).rounded())
        let decoder = try MediaDecoder(input: clip.input, stream: source)
        let par = parameters.pointee
        // AAC decodes to float planar: with no gain and the track's own rate and channels there is nothing to convert.
        let direct = filters.isEmpty && par.format == AV_SAMPLE_FMT_FLTP.rawValue && par.sample_rate == sampleRate
            && par.ch_layout.nb_channels == channels
        let resampler = direct ? nil
            : try Resampler(from: source, parameters: parameters, to: sampleRate, channels: channels, filters: filters,
                            path: path)
        func take() throws {
            while try decoder.receive(into: frame) == .produced {
                if let resampler {
                    try resampler.convert(frame) { converted in try push(converted, upTo: target) }
                } else {
                    try push(frame, upTo: target)
                }
                frame.unref()
            }
        }
        for packet in packets {
            while try decoder.send(packet) == .needsInput { try take() }
            try take()
        }
        _ = try decoder.send(nil)
        try take()
        try resampler?.flush { converted in try push(converted, upTo: target) }
        if written < target { try pushSilence(target - written) }
    }

    /// Pushes `source` (float planar at the output rate), cut at `target` samples of the sequence.
    private func push(_ source: Frame, upTo target: Int64) throws {
        let f = source.pointer
        let count = Int64(f.pointee.nb_samples)
        let room = max(0, target - written)
        if count > room { trimmedSamples += count - room }
        guard room > 0, count > 0 else { return }
        if count > room { f.pointee.nb_samples = Int32(room) }
        f.pointee.pts = written
        written += Int64(f.pointee.nb_samples)
        try graph.push(source, to: 0)
        try drain()
    }

    private func pushSilence(_ samples: Int64) throws {
        var left = samples
        while left > 0 {
            let count = Int32(min(left, 4096))
            let silence = try Frame()
            let f = silence.pointer
            f.pointee.nb_samples = count
            f.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
            f.pointee.sample_rate = sampleRate
            av_channel_layout_default(&f.pointee.ch_layout, channels)
            let status = av_frame_get_buffer(f, 0)
            guard status >= 0 else {
                throw MediaError(.encodeFailed, path: muxer.path, operation: "making silence", reason: "out of memory",
                                 ffmpegCode: status)
            }
            av_samples_set_silence(f.pointee.extended_data, 0, count, channels, AV_SAMPLE_FMT_FLTP)
            f.pointee.pts = written
            written += Int64(count)
            filledSamples += Int64(count)
            left -= Int64(count)
            try graph.push(silence, to: 0)
            try drain()
        }
    }

    /// Ends the track: the graph's last (short) frame, then the encoder's tail.
    func finish() throws {
        try graph.push(nil, to: 0)
        try drain()
        try encode(nil)
    }

    private func drain() throws {
        while try graph.pull(from: 0, into: filtered) == .produced {
            filtered.pointer.pointee.pts = av_rescale_q(filtered.pointer.pointee.pts, graph.timeBase(ofSink: 0),
                                                        encoder.context.pointee.time_base)
            try encode(filtered)
            filtered.unref()
        }
    }

    private func encode(_ source: Frame?) throws {
        while try encoder.send(source) == .needsInput { try receive() }
        try receive()
    }

    private func receive() throws {
        while try encoder.receive(into: packet) == .produced {
            av_packet_rescale_ts(packet.pointer, encoder.context.pointee.time_base, stream.pointee.time_base)
            packet.pointer.pointee.stream_index = stream.pointee.index
            try muxer.write(packet)
        }
    }
}

/// Converts decoded audio to float planar at one rate and channel count (a no-op graph when it already is).
private final class Resampler {
    private let graph: FilterGraph
    private let out: Frame

    init(from stream: UnsafeMutablePointer<AVStream>, parameters: UnsafeMutablePointer<AVCodecParameters>,
         to rate: Int32, channels: Int32, filters: String, path: String) throws {
        let par = parameters.pointee
        var layout = par.ch_layout
        if layout.order == AV_CHANNEL_ORDER_UNSPEC { av_channel_layout_default(&layout, par.ch_layout.nb_channels) }
        var target = AVChannelLayout()
        av_channel_layout_default(&target, channels)
        graph = try FilterGraph(
            sources: [("in", .audio(sampleRate: par.sample_rate, sampleFormat: AVSampleFormat(par.format),
                                    channelLayout: channelLayoutName(&layout), timeBase: stream.pointee.time_base))],
            sinks: [("out", false)],
            description: "[in]\(filters)aresample=\(rate),aformat=sample_fmts=fltp:sample_rates=\(rate):channel_layouts="
                + "\(channelLayoutName(&target))[out]")
        out = try Frame()
    }

    /// Passes `frame` through and hands every converted frame to `body`.
    func convert(_ frame: Frame, _ body: (Frame) throws -> Void) throws {
        try graph.push(frame, to: 0)
        try pull(body)
    }

    /// Ends the input and hands the last converted frames to `body`.
    func flush(_ body: (Frame) throws -> Void) throws {
        try graph.push(nil, to: 0)
        try pull(body)
    }

    private func pull(_ body: (Frame) throws -> Void) throws {
        while try graph.pull(from: 0, into: out) == .produced {
            try body(out)
            out.unref()
        }
    }
}
