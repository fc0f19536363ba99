import Media

extension Inspection {
    /// `generate_audio` true: an audio track that is not silent. False: no audio track, or a silent one.
    /// The level is measured by decoding the whole track (astats' RMS and peak, in dBFS).
    func audio() -> QACheck {
        let noise = thresholds.silenceNoise
        let expected = expectation.generateAudio
            ? "an audible audio track (peak above \(Text.decibels(noise)))"
            : "no audio track, or a silent one"
        guard let track = info.audio else {
            return expectation.generateAudio
                ? check("audio", .fail, expected: expected, actual: "no audio track",
                        "no audio track, but generate_audio was true")
                : check("audio", .pass, expected: expected, actual: "no audio track", "no audio track, as asked")
        }
        let measured = content.audio
        let level = "RMS \(Text.decibels(measured?.rmsLevel)), peak \(Text.decibels(measured?.peakLevel))"
        let actual = "\(track.codec) \(track.sampleRate) Hz \(track.channelLayout ?? "\(track.channels) ch"), \(level)"
        let silent = measured?.isSilent(noise: noise) ?? true
        switch (expectation.generateAudio, silent) {
        case (true, false):
            return check("audio", .pass, expected: expected, actual: actual, "audible: \(level)")
        case (true, true):
            return check("audio", .fail, expected: expected, actual: actual,
                         "the audio track is silent (\(level)), but generate_audio was true")
        case (false, true):
            return check("audio", .pass, expected: expected, actual: actual, "a silent audio track (\(level)), as asked")
        case (false, false):
            return check("audio", .fail, expected: expected, actual: actual,
                         "the audio track is audible (\(level)), but generate_audio was false")
        }
    }
}
