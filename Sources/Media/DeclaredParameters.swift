import CFFmpeg

/// The stream parameters a probe reports, read from what an MP4/MOV file declares instead of from
/// `avformat_find_stream_info`'s trial decoding.
///
/// `avformat_open_input` alone reads the moov: codecs, sizes, rates, frame counts, durations, bit rates. What is
/// left is filled in here the way `avformat_find_stream_info` would have: the start times from the first packet of
/// each stream, the container's start time, duration and bit rate by FFmpeg's own rule (`update_stream_timings`),
/// H.264's profile, pixel format and aspect ratio from the sequence parameter set in its `avcC`, HEVC's from opening
/// its decoder (which reads the `hvcC` without decoding a picture), and the audio's from decoding its first packet
/// (AAC can only show a doubled sample rate by decoding, and decoding one packet costs microseconds). No picture is
/// decoded.
///
/// Only files where every reported field is known this way take this path (`isEligible`): H.264 or HEVC video with
/// a declared frame rate, AAC audio, at most one video and one audio stream. Anything else, or any surprise on the
/// way (a size that disagrees, a sequence header that does not parse, packets missing), returns false, and the
/// caller reads the parameters as before. The ffprobe-agreement tests hold both paths to ffprobe's output.
enum DeclaredParameters {
    /// Packets read at most to find every stream's first timestamp: the streams of an MP4 are interleaved within
    /// about a second, so more means an unusual layout, left to the full analysis.
    static let packetBudget = 64

    /// Whether `input` is a file whose parameters can all be read from the container (decided before any packet is
    /// read, so that the full analysis can still run on the same open file).
    static func isEligible(_ input: InputFile) -> Bool {
        let ctx = input.context
        guard let name = ctx.pointee.iformat.map({ String(cString: $0.pointee.name) }), name.contains("mp4"),
              ctx.pointee.duration != cff_nopts_value(), ctx.pointee.duration > 0 else { return false }
        var videos = 0, audios = 0
        for stream in input.streams {
            guard let par = stream.parameters?.pointee else { return false }
            switch par.codec_type {
            case AVMEDIA_TYPE_VIDEO:
                videos += 1
                guard par.codec_id == AV_CODEC_ID_H264 || par.codec_id == AV_CODEC_ID_HEVC,
                      stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0,
                      par.width > 0, par.height > 0, par.extradata_size > 0,
                      // A variable-rate file's r_frame_rate is FFmpeg's estimate from packet timestamps.
                      stream.pointee.r_frame_rate.num > 0, stream.pointee.avg_frame_rate.num > 0
                else { return false }
            case AVMEDIA_TYPE_AUDIO:
                audios += 1
                guard par.codec_id == AV_CODEC_ID_AAC, par.extradata_size > 0 else { return false }
            default:
                continue
            }
        }
        // With several streams of a kind, FFmpeg's choice of the main one weighs the frames it decoded.
        return videos <= 1 && audios <= 1 && videos + audios > 0
    }

    /// Fills in the parameters of an eligible, freshly opened `input`; false when something was not as expected
    /// (the file must then be reopened and analysed in full, since packets have been read). Without `decodeAudio`
    /// the audio keeps the parameters its container declares.
    static func fill(_ input: InputFile, maxPixels: Int64, decodeAudio: Bool = true) -> Bool {
        do {
            guard try readFirstPackets(input, decodeAudio: decodeAudio) else { return false }
            for stream in input.streams where stream.parameters?.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
                guard try videoParameters(input, stream, maxPixels: maxPixels) else { return false }
            }
            updateTimings(input)
            return true
        } catch {
            return false
        }
    }

    /// Reads packets until every stream has a start time (FFmpeg sets it from a stream's first packet) and, with
    /// `decodeAudio`, the audio's first packet has been decoded; its decoder's parameters then replace the declared
    /// ones, as after `avformat_find_stream_info`.
    private static func readFirstPackets(_ input: InputFile, decodeAudio: Bool) throws -> Bool {
        let audio = decodeAudio
            ? input.streams.first(where: { $0.parameters?.pointee.codec_type == AVMEDIA_TYPE_AUDIO }) : nil
        let decoder = try audio.map { try MediaDecoder(input: input, stream: $0, threads: 1) }
        var audioDecoded = audio == nil
        let packet = try Packet()
        let frame = try Frame()
        var reads = 0
        while !audioDecoded || input.streams.contains(where: { $0.pointee.start_time == cff_nopts_value() }) {
            guard reads < packetBudget, try input.read(into: packet) else { return false }
            reads += 1
            defer { packet.unref() }
            if let decoder, !audioDecoded, packet.pointer.pointee.stream_index == decoder.stream.pointee.index {
                guard try decoder.send(packet) != .endOfStream else { return false }
                audioDecoded = try decoder.receive(into: frame) == .produced
            }
        }
        if let decoder, let par = decoder.stream.parameters {
            guard avcodec_parameters_from_context(par, decoder.context) >= 0 else { return false }
        }
        return true
    }

    /// The video's profile, pixel format, aspect ratio and reorder delay from its sequence header.
    private static func videoParameters(_ input: InputFile, _ stream: UnsafeMutablePointer<AVStream>,
                                        maxPixels: Int64) throws -> Bool {
        guard let par = stream.parameters else { return false }
        switch par.pointee.codec_id {
        case AV_CODEC_ID_H264:
            let extradata = UnsafeBufferPointer(start: par.pointee.extradata, count: Int(par.pointee.extradata_size))
            guard let sps = H264SequenceParameters(avcC: extradata),
                  sps.width == Int(par.pointee.width), sps.height == Int(par.pointee.height),
                  let format = sps.pixelFormat(containerRange: par.pointee.color_range,
                                               containerSpace: par.pointee.color_space)
            else { return false }
            par.pointee.format = format.rawValue
            par.pointee.profile = sps.profile
            if let sar = sps.sampleAspectRatio { par.pointee.sample_aspect_ratio = sar }
        case AV_CODEC_ID_HEVC:
            // The HEVC decoder reads the hvcC's parameter sets when it opens and exports the stream's parameters.
            let decoder = try MediaDecoder(input: input, stream: stream, threads: 1, maxPixels: maxPixels)
            let ctx = decoder.context.pointee
            guard ctx.pix_fmt != AV_PIX_FMT_NONE, ctx.width == par.pointee.width, ctx.height == par.pointee.height
            else { return false }
            par.pointee.format = ctx.pix_fmt.rawValue
            par.pointee.profile = ctx.profile
            par.pointee.sample_aspect_ratio = ctx.sample_aspect_ratio
            par.pointee.video_delay = max(par.pointee.video_delay, ctx.has_b_frames)
        default:
            return false
        }
        return true
    }

    /// The container's start time, duration and bit rate from its streams, by FFmpeg's `update_stream_timings`
    /// (what `avformat_find_stream_info` ends with): subtitle and data tracks count only when no audio or video
    /// has a time, or lies within a second of it; the duration declared in the moov stands.
    private static func updateTimings(_ input: InputFile) {
        let ctx = input.context
        let timeBase = cff_time_base()
        var start = Int64.max, startText = Int64.max
        var end = Int64.min, endText = Int64.min
        var duration = Int64.min, durationText = Int64.min
        for stream in input.streams {
            let type = stream.parameters?.pointee.codec_type
            let isText = type == AVMEDIA_TYPE_SUBTITLE || type == AVMEDIA_TYPE_DATA
            let st = stream.pointee
            if st.start_time != cff_nopts_value(), st.time_base.den != 0 {
                let start1 = av_rescale_q(st.start_time, st.time_base, cff_time_base_q())
                if isText { startText = min(startText, start1) } else { start = min(start, start1) }
                if st.duration != cff_nopts_value() {
                    let end1 = start1 + av_rescale_q_rnd(st.duration, st.time_base, cff_time_base_q(),
                                                         AVRounding(AV_ROUND_NEAR_INF.rawValue
                                                                    | AV_ROUND_PASS_MINMAX.rawValue))
                    if isText { endText = max(endText, end1) } else { end = max(end, end1) }
                }
            }
            if st.duration != cff_nopts_value() {
                let duration1 = av_rescale_q(st.duration, st.time_base, cff_time_base_q())
                if isText { durationText = max(durationText, duration1) } else { duration = max(duration, duration1) }
            }
        }
        if start == Int64.max || (start > startText && start - startText < timeBase) { start = startText }
        if end == Int64.min || (end < endText && endText - end < timeBase) { end = endText }
        if duration == Int64.min || (duration < durationText && durationText - duration < timeBase) {
            duration = durationText
        }
        if start != Int64.max {
            ctx.pointee.start_time = start
            if end != Int64.min, end >= start { duration = max(duration, end - start) }
        }
        if duration != Int64.min, duration > 0, ctx.pointee.duration == cff_nopts_value() {
            ctx.pointee.duration = duration
        }
        if let pb = ctx.pointee.pb, ctx.pointee.duration > 0 {
            let size = avio_size(pb)
            if size > 0 {
                let bitRate = Double(size) * 8 * Double(timeBase) / Double(ctx.pointee.duration)
                if bitRate >= 0, bitRate <= Double(Int64.max) { ctx.pointee.bit_rate = Int64(bitRate) }
            }
        }
    }
}

extension InputFile {
    /// Opens `path` for a probe: the parameters the container declares when they are all there
    /// (`DeclaredParameters`), FFmpeg's full analysis (`avformat_find_stream_info`) otherwise. The file is checked
    /// and explained like `openChecked` does.
    ///
    /// `decodeAudio: false` is for callers that use only the video: on the declared path the audio keeps the
    /// parameters its container declares instead of its first packet's (HE-AAC's doubled sample rate, for one, is
    /// only known by decoding). That spares opening the AAC decoder and building its tables: about 1.5 ms of a
    /// thumbnail.
    static func openForProbe(_ path: String, limits: OpenLimits = OpenLimits(),
                             decodeAudio: Bool = true) throws -> InputFile {
        let input = try openChecked(path, limits: limits, findStreamInfo: false)
        guard DeclaredParameters.isEligible(input) else {
            try input.readStreamInfo(limits: limits)
            return input
        }
        if DeclaredParameters.fill(input, maxPixels: limits.maxPixels, decodeAudio: decodeAudio) { return input }
        // Packets were read: the full analysis needs the file from its start.
        return try openChecked(path, limits: limits)
    }
}
