import Media

extension Inspection {
    /// No black at the start or the end (at least `edgeBlack`), nor anywhere for `longBlack` or more
    /// (blackdetect's definition: 98% of pixels darker than 10% of the range). Shorter black is a warning.
    func black() -> QACheck {
        let expected = "no black at the start or end (\(Text.seconds(thresholds.edgeBlack)) or more), "
            + "none of \(Text.seconds(thresholds.longBlack)) or more"
        guard let video = content.video else {
            return check("black", .pass, expected: expected, actual: "no video", "no video to look at (see video_codec)")
        }
        let spans = video.black
        let actual = spans.isEmpty ? "no black frames" : "black \(Text.spans(spans))"
        let edge = frameDuration / 2
        var problems: [String] = []
        for span in spans {
            let leading = span.start <= edge, trailing = span.end >= video.duration - edge
            if leading && trailing {
                problems.append("the whole clip is black")
            } else if leading && span.duration >= thresholds.edgeBlack {
                problems.append("starts with \(Text.seconds(span.duration)) of black")
            } else if trailing && span.duration >= thresholds.edgeBlack {
                problems.append("ends with \(Text.seconds(span.duration)) of black")
            } else if span.duration >= thresholds.longBlack {
                problems.append("\(Text.seconds(span.duration)) of black at \(span)")
            }
        }
        if !problems.isEmpty {
            return check("black", .fail, expected: expected, actual: actual, problems.joined(separator: "; "))
        }
        if !spans.isEmpty {
            return check("black", .warn, expected: expected, actual: actual,
                         "short black stretch(es) \(Text.spans(spans)): a fade or a dark scene?")
        }
        return check("black", .pass, expected: expected, actual: actual, "no black frames")
    }

    /// The picture changes: no stretch of `frozen` or more where it stays the same (freezedetect's definition,
    /// -60 dB), leaving out black stretches, which the black check judges.
    func frozen() -> QACheck {
        let expected = "no frozen picture for \(Text.seconds(thresholds.frozen)) or more"
        guard let video = content.video else {
            return check("frozen", .pass, expected: expected, actual: "no video", "no video to look at (see video_codec)")
        }
        let frozen = video.frozen.flatMap { subtract(video.black, from: $0) }.filter { $0.duration >= frameDuration }
        let actual = frozen.isEmpty ? "always moving" : "frozen \(Text.spans(frozen))"
        let long = frozen.filter { $0.duration >= thresholds.frozen - 1e-6 }
        if !long.isEmpty {
            let total = long.reduce(0) { $0 + $1.duration }
            return check("frozen", .fail, expected: expected, actual: actual,
                         "the picture does not change for \(Text.seconds(total)) (\(Text.spans(long)))")
        }
        if !frozen.isEmpty {
            return check("frozen", .warn, expected: expected, actual: actual,
                         "short still stretch(es) \(Text.spans(frozen))")
        }
        return check("frozen", .pass, expected: expected, actual: actual,
                     video.frozen.isEmpty ? "the picture keeps changing"
                         : "the picture keeps changing outside black stretches (\(Text.spans(video.frozen)) still while black)")
    }

    /// Silence inside an audible track (silencedetect's definition). Covering `silentShare` or more of the track
    /// fails: the sound is mostly missing. Shorter pauses of `pause` or more are a warning: real dialogue has
    /// pauses of digital silence between lines. A track silent throughout is the audio check's finding, as is
    /// silence when no audio was asked.
    func silence() -> QACheck {
        let share = Int((thresholds.silentShare * 100).rounded())
        let expected = "silent for less than \(share)% of the track; pauses of \(Text.seconds(thresholds.pause)) "
            + "or more reported"
        guard info.audio != nil, let audio = content.audio else {
            return check("silence", .pass, expected: expected, actual: "no audio track", "no audio track (see the audio check)")
        }
        let silent = audio.silent.reduce(0) { $0 + $1.duration }
        let length = audio.duration > 0 ? audio.duration : (audioDuration ?? 0)
        let fraction = length > 0 ? min(1, silent / length) : 0
        let percent = "\(Int((fraction * 100).rounded()))%"
        let actual = audio.silent.isEmpty ? "no silence" : "silent \(Text.spans(audio.silent)) (\(percent))"
        if audio.isSilent(noise: thresholds.silenceNoise) {
            return check("silence", .pass, expected: expected, actual: actual,
                         "the whole track is silent: judged by the audio check")
        }
        if !expectation.generateAudio {
            return check("silence", .pass, expected: expected, actual: actual, "no audio was asked for")
        }
        if fraction >= thresholds.silentShare - 1e-9 {
            return check("silence", .fail, expected: expected, actual: actual,
                         "the sound is missing for most of the clip: \(Text.seconds(silent)) of "
                            + "\(Text.seconds(length)) silent (\(percent))")
        }
        let pauses = audio.silent.filter { $0.duration >= thresholds.pause - 1e-6 }
        if !pauses.isEmpty {
            let list = pauses.map { "\(Text.seconds($0.duration)) at \($0)" }.joined(separator: ", ")
            return check("silence", .warn, expected: expected, actual: actual,
                         "\(pauses.count == 1 ? "a pause" : "\(pauses.count) pauses") of silence (\(list)): "
                            + "pauses between lines are normal in dialogue; listen if the clip has none")
        }
        return check("silence", .pass, expected: expected, actual: actual,
                     audio.silent.isEmpty ? "no silence" : "only short silences (\(Text.spans(audio.silent)))")
    }

    /// The parts of `span` not covered by any of `covers`.
    private func subtract(_ covers: [TimeSpan], from span: TimeSpan) -> [TimeSpan] {
        var pieces = [span]
        for cover in covers {
            pieces = pieces.flatMap { piece -> [TimeSpan] in
                guard cover.end > piece.start, cover.start < piece.end else { return [piece] }
                var out: [TimeSpan] = []
                if cover.start > piece.start { out.append(TimeSpan(start: piece.start, end: cover.start)) }
                if cover.end < piece.end { out.append(TimeSpan(start: cover.end, end: piece.end)) }
                return out
            }
        }
        return pieces
    }
}
