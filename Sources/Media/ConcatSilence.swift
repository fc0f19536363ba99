import CFFmpeg
import Foundation

/// One coded AAC-LC frame of silence matching a track's sample rate and channels, for copy mode to fill the audio
/// of a clip whose audio is shorter than its video without re-encoding anything around it.
///
/// An MP4 audio track cannot have holes: a gap between one clip's last audio frame and the next clip's first would
/// silently stretch the last frame's duration, and players that count samples would drift out of sync from there
/// on. Inserting whole coded frames of silence keeps the sample count and the timestamps in step. AAC frames
/// overlap by half a frame, and both neighbours of a filler code silence there (the previous clip's end padding,
/// the next clip's priming), so the fillers decode to silence and change nothing around them.
struct SilentAudioFrame {
    /// The frame's bytes (raw AAC, as stored in MP4).
    let bytes: [UInt8]
    /// Samples it decodes to (1024).
    let frameSize: Int64

    /// A silent frame for an AAC-LC track with these parameters, or nil for other codecs or profiles.
    static func make(for par: UnsafePointer<AVCodecParameters>) -> SilentAudioFrame? {
        let p = par.pointee
        // AudioSpecificConfig: the first 5 bits are the audio object type; 2 is AAC-LC.
        guard p.codec_id == AV_CODEC_ID_AAC, let extradata = p.extradata, p.extradata_size >= 2,
              extradata[0] >> 3 == 2, p.sample_rate > 0, (1...2).contains(p.ch_layout.nb_channels) else { return nil }
        do {
            let encoder = try MediaEncoder(codecName: "aac") { ctx in
                ctx.pointee.sample_rate = p.sample_rate
                av_channel_layout_default(&ctx.pointee.ch_layout, p.ch_layout.nb_channels)
                ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
                ctx.pointee.bit_rate = 64_000
                ctx.pointee.time_base = AVRational(num: 1, den: p.sample_rate)
            }
            let frameSize = encoder.context.pointee.frame_size
            guard frameSize > 0 else { return nil }
            let frame = try Frame(), packet = try Packet()
            var produced: [UInt8]?
            // The first packets carry the encoder's start-up (priming); a later one is steady-state silence.
            for index in 0..<4 {
                let f = frame.pointer
                f.pointee.nb_samples = frameSize
                f.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
                f.pointee.sample_rate = p.sample_rate
                av_channel_layout_default(&f.pointee.ch_layout, p.ch_layout.nb_channels)
                guard av_frame_get_buffer(f, 0) >= 0 else { return nil }
                av_samples_set_silence(f.pointee.extended_data, 0, frameSize, p.ch_layout.nb_channels, AV_SAMPLE_FMT_FLTP)
                f.pointee.pts = Int64(index) * Int64(frameSize)
                _ = try encoder.send(frame)
                frame.unref()
                while try encoder.receive(into: packet) == .produced {
                    if let data = packet.pointer.pointee.data, packet.pointer.pointee.size > 0 {
                        produced = Array(UnsafeBufferPointer(start: data, count: Int(packet.pointer.pointee.size)))
                    }
                    packet.unref()
                }
            }
            // Drain, so the encoder closes with nothing queued (it warns otherwise).
            _ = try encoder.send(nil)
            while try encoder.receive(into: packet) == .produced { packet.unref() }
            return produced.map { SilentAudioFrame(bytes: $0, frameSize: Int64(frameSize)) }
        } catch {
            return nil
        }
    }

    /// A packet holding the frame at `dts` (= pts) lasting `duration`, for output stream `streamIndex`.
    func packet(dts: Int64, duration: Int64, streamIndex: Int32) throws -> Packet {
        let packet = try Packet()
        guard av_new_packet(packet.pointer, Int32(bytes.count)) >= 0, let data = packet.pointer.pointee.data else {
            throw MediaError(.io, operation: "filling an audio gap", reason: "out of memory")
        }
        data.update(from: bytes, count: bytes.count)
        packet.pointer.pointee.pts = dts
        packet.pointer.pointee.dts = dts
        packet.pointer.pointee.duration = duration
        packet.pointer.pointee.stream_index = streamIndex
        packet.pointer.pointee.flags |= AV_PKT_FLAG_KEY
        return packet
    }
}
