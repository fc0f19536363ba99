import CFFmpeg
import Foundation

/// Copy-mode concatenation: the clips' packets remuxed unchanged, with continuous timestamps per stream.
///
/// Each clip is shifted by one offset for all its streams, so its own audio/video alignment is kept exactly. The
/// offset is the smallest that keeps every output stream's timestamps increasing: the previous clips' end
/// (last DTS + duration, the latest over streams) minus the clip's first timestamp. For AAC that first timestamp is
/// the priming packet at -1024 samples, and a packet's end is its whole decoded frame (1024 samples, even when the
/// container trims the last one): so no DTS goes backwards, every coded audio frame is kept once (nothing lost or
/// doubled), and the audio timestamps agree with the decoded sample count, which is what keeps players in sync.
/// A single-edit MP4 cannot skip the next clip's priming mid-track, so each join carries that clip's priming (coded
/// silence, 1024 samples) plus the previous clip's final-frame padding; the video's last frame before the join is
/// shown that much longer (under one frame at 24 fps for 48 kHz audio), and each clip starts in sync.
struct ConcatCopier {
    let clips: [ConcatClip]
    let output: String
    let faststart: Bool

    /// One output stream and where it has got to, in its own time base.
    private final class Track {
        let stream: UnsafeMutablePointer<AVStream>
        let isAudio: Bool
        /// Samples in one decoded audio frame (AAC: 1024), 0 when unknown or video.
        let frameSize: Int64
        var endDTS = Int64.min
        var endPTS = Int64.min
        var offset: Int64 = 0

        init(stream: UnsafeMutablePointer<AVStream>, isAudio: Bool, frameSize: Int64) {
            self.stream = stream
            self.isAudio = isAudio
            self.frameSize = frameSize
        }

        var timeBase: AVRational { stream.pointee.time_base }
    }

    /// Writes the output; returns the padding each join received (seconds, one per join).
    func run(progress: (Seconds) -> Void) throws -> [Seconds] {
        let first = clips[0]
        let muxer = try OutputFile(path: output)
        let videoOut = try muxer.addStream(copying: first.video.pointee.codecpar)
        videoOut.pointee.time_base = first.video.pointee.time_base
        videoOut.pointee.avg_frame_rate = first.video.pointee.avg_frame_rate
        try copyDisplayMatrix(from: first.video, to: videoOut)
        var audioOut: UnsafeMutablePointer<AVStream>?
        if let audio = first.audio {
            let stream = try muxer.addStream(copying: audio.pointee.codecpar)
            stream.pointee.time_base = AVRational(num: 1, den: audio.pointee.codecpar.pointee.sample_rate)
            audioOut = stream
        }
        try muxer.writeHeader(faststart: faststart)

        let videoTrack = Track(stream: videoOut, isAudio: false, frameSize: 0)
        let audioTrack = audioOut.map { stream in
            Track(stream: stream, isAudio: true, frameSize: Int64(max(0, first.audio?.pointee.codecpar.pointee.frame_size ?? 0)))
        }
        var padding: [Seconds] = []
        var doneBefore: Seconds = 0
        for (index, clip) in clips.enumerated() {
            var tracks: [Int32: Track] = [clip.video.pointee.index: videoTrack]
            if let audio = clip.audio, let audioTrack { tracks[audio.pointee.index] = audioTrack }
            let pad = try copy(clip, tracks: tracks, isFirst: index == 0, muxer: muxer) { done in
                progress(doneBefore + done)
            }
            if index > 0 { padding.append(pad) }
            doneBefore += clip.duration
        }
        try muxer.finish()
        return padding
    }

    /// Copies one clip's packets; returns the padding its join received (seconds past the previous video end).
    private func copy(_ clip: ConcatClip, tracks: [Int32: Track], isFirst: Bool, muxer: OutputFile,
                      progress: (Seconds) -> Void) throws -> Seconds {
        // Read ahead until every mapped stream has shown its first packet: the offset depends on all of them.
        var pending: [Packet] = []
        var firstPackets: [Int32: Packet] = [:]
        var atEnd = false
        while firstPackets.count < tracks.count {
            let packet = try Packet()
            guard try clip.input.read(into: packet) else { atEnd = true; break }
            let index = packet.pointer.pointee.stream_index
            guard tracks[index] != nil else { continue }
            if firstPackets[index] == nil { firstPackets[index] = packet }
            pending.append(packet)
        }

        var previousVideoEnd: (Int64, AVRational)?
        if let video = tracks[clip.video.pointee.index], video.endPTS != Int64.min {
            previousVideoEnd = (video.endPTS, video.timeBase)
        }
        setOffsets(clip: clip, tracks: tracks, firstPackets: firstPackets, isFirst: isFirst)

        let videoIndex = clip.video.pointee.index
        let videoTimeBase = clip.video.pointee.time_base
        var startSeconds: Seconds?
        func write(_ packet: Packet) throws {
            let p = packet.pointer
            guard let track = tracks[p.pointee.stream_index], let inStream = clip.input.streams.dropFirst(Int(p.pointee.stream_index)).first
            else { return }
            if p.pointee.stream_index == videoIndex, p.pointee.dts != cff_nopts_value() {
                let now = seconds(p.pointee.dts, videoTimeBase)
                if startSeconds == nil { startSeconds = now }
                progress(now - (startSeconds ?? 0))
            }
            av_packet_rescale_ts(p, inStream.pointee.time_base, track.timeBase)
            if p.pointee.pts != cff_nopts_value() { p.pointee.pts += track.offset }
            if p.pointee.dts != cff_nopts_value() { p.pointee.dts += track.offset }
            p.pointee.stream_index = track.stream.pointee.index
            p.pointee.pos = -1
            let decodedLength = max(p.pointee.duration, track.frameSize)
            if p.pointee.dts != cff_nopts_value() {
                track.endDTS = max(track.endDTS, p.pointee.dts + (track.isAudio ? decodedLength : p.pointee.duration))
            }
            if p.pointee.pts != cff_nopts_value() {
                track.endPTS = max(track.endPTS, p.pointee.pts + (track.isAudio ? decodedLength : p.pointee.duration))
            }
            try muxer.write(packet)
        }
        for packet in pending { try write(packet) }
        pending.removeAll()
        if !atEnd {
            let packet = try Packet()
            while try clip.input.read(into: packet) {
                if tracks[packet.pointer.pointee.stream_index] != nil { try write(packet) }
                packet.unref()
            }
        }
        guard let (end, timeBase) = previousVideoEnd, let video = tracks[videoIndex] else { return 0 }
        let firstPTS = firstPackets[videoIndex].map {
            av_rescale_q($0.pointer.pointee.pts, videoTimeBase, video.timeBase)
        } ?? 0
        return max(0, seconds(firstPTS + video.offset, video.timeBase) - seconds(end, timeBase))
    }

    /// Picks the clip's offset: the latest "previous end minus my first timestamp" over its streams, as an exact
    /// tick count of the deciding stream, then rounded up into each stream's time base.
    private func setOffsets(clip: ConcatClip, tracks: [Int32: Track], firstPackets: [Int32: Packet], isFirst: Bool) {
        var best: (ticks: Int64, timeBase: AVRational)?
        for (index, track) in tracks {
            track.offset = 0
            guard !isFirst, let packet = firstPackets[index],
                  let inStream = clip.input.streams.dropFirst(Int(index)).first else { continue }
            let inBase = inStream.pointee.time_base
            var needs: [Int64] = []
            let dts = packet.pointer.pointee.dts, pts = packet.pointer.pointee.pts
            if track.endDTS != Int64.min, dts != cff_nopts_value() {
                needs.append(track.endDTS - av_rescale_q(dts, inBase, track.timeBase))
            }
            if track.endPTS != Int64.min, pts != cff_nopts_value() {
                needs.append(track.endPTS - av_rescale_q(pts, inBase, track.timeBase))
            }
            guard let need = needs.max() else { continue }
            if let current = best, av_compare_ts(need, track.timeBase, current.ticks, current.timeBase) <= 0 { continue }
            best = (need, track.timeBase)
        }
        guard let best else { return }
        let rounding = AVRounding(rawValue: AV_ROUND_UP.rawValue | AV_ROUND_PASS_MINMAX.rawValue)
        for track in tracks.values {
            track.offset = av_rescale_q_rnd(best.ticks, best.timeBase, track.timeBase, rounding)
        }
    }

    private func copyDisplayMatrix(from input: UnsafeMutablePointer<AVStream>,
                                   to output: UnsafeMutablePointer<AVStream>) throws {
        var size: Int = 0
        guard let data = av_stream_get_side_data(input, AV_PKT_DATA_DISPLAYMATRIX, &size), size > 0 else { return }
        guard let copy = av_stream_new_side_data(output, AV_PKT_DATA_DISPLAYMATRIX, size) else {
            throw MediaError(.io, path: self.output, operation: "copying the rotation", reason: "out of memory")
        }
        copy.update(from: data, count: size)
    }
}
