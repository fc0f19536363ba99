import Media

extension Inspection {
    /// The video lasts 24 x duration + 1 frames, within `frameTolerance` frames. Compared in time (so a clip at the
    /// wrong frame rate but of the right length fails only `frame_rate`); the difference is given in seconds and
    /// in frames at the expected rate.
    func duration() -> QACheck {
        let fps = Double(expectation.framesPerSecond)
        let frames = expectation.expectedFrames
        let tolerance = Double(thresholds.frameTolerance)
        let expectedText: String
        if frames.count == 1 {
            expectedText = "\(frames.lowerBound) frames (\(Text.seconds(Double(frames.lowerBound) / fps))) "
                + "within \(Text.frames(tolerance))"
        } else {
            expectedText = "\(frames.lowerBound)...\(frames.upperBound) frames (model-chosen length)"
        }
        guard let seconds = videoDuration else {
            return check("duration", .fail, expected: expectedText, actual: "unknown", "the video's duration is unknown")
        }
        let count = content.video?.frameCount ?? info.video?.frameCount
        let rate = info.video?.frameRate.value ?? fps
        var actual = Text.seconds(seconds)
        if let count { actual += " (\(count) frames at \(Text.rate(rate)) fps)" }

        // Distance from the nearest accepted length, in seconds and in frames at the expected rate.
        let low = Double(frames.lowerBound) / fps, high = Double(frames.upperBound) / fps
        let difference = seconds < low ? seconds - low : (seconds > high ? seconds - high : 0)
        let differenceFrames = difference * fps
        // Frames are whole: a difference is counted to the nearest frame (timestamps carry rounding).
        let within = abs(differenceFrames).rounded() <= tolerance
        let message: String
        if abs(differenceFrames) < 0.5 {
            // Within half a frame: the asked length, up to timestamp rounding.
            message = frames.count == 1 ? "\(frames.lowerBound) frames (\(Text.seconds(seconds))), as asked"
                : "\(Text.seconds(seconds)), within the range"
        } else {
            let direction = difference < 0 ? "short" : "long"
            message = "\(Text.frames(abs(differenceFrames))) (\(Text.seconds(abs(difference)))) too \(direction)"
                + (within ? ", within the tolerance of \(Text.frames(tolerance))" : "; tolerance \(Text.frames(tolerance))")
        }
        return check("duration", within ? .pass : .fail, expected: expectedText, actual: actual, message)
    }

    /// Exactly 24 frames per second (average rate; 24000/1001 is not 24).
    func frameRate() -> QACheck {
        let fps = expectation.framesPerSecond
        let expected = "\(fps) fps"
        guard let video = info.video else {
            return check("frame_rate", .fail, expected: expected, actual: "no video stream", "the file has no video stream")
        }
        let rate = video.frameRate.isUnknown ? video.realFrameRate : video.frameRate
        guard let value = rate.value, !rate.isUnknown else {
            return check("frame_rate", .fail, expected: expected, actual: "unknown", "the frame rate could not be read")
        }
        let reduced = rate.reduced
        let exact = reduced.numerator == Int32(fps) && reduced.denominator == 1
        let actual = "\(Text.rate(value)) fps (\(reduced))"
        return check("frame_rate", exact ? .pass : .fail, expected: expected, actual: actual,
                     exact ? "\(fps) fps" : "\(Text.rate(value)) fps where Seedance makes exactly \(fps)")
    }

    /// The audio track lasts as long as the video track (within `trackDurationTolerance`).
    func trackDurations() -> QACheck {
        let tolerance = thresholds.trackDurationTolerance
        let expected = "audio and video within \(Text.seconds(tolerance))"
        guard info.audio != nil else {
            return check("track_durations", .pass, expected: expected, actual: "no audio track",
                         "no audio track to compare (see the audio check)")
        }
        guard let video = videoDuration, let audio = audioDuration else {
            return check("track_durations", .warn, expected: expected, actual: "unknown",
                         "a track's duration could not be read")
        }
        let difference = audio - video
        let ok = abs(difference) <= tolerance
        let actual = "video \(Text.seconds(video)), audio \(Text.seconds(audio))"
        let message = ok ? "they agree (\(Text.signedSeconds(difference)))"
            : "the audio is \(Text.seconds(abs(difference))) \(difference < 0 ? "shorter" : "longer") than the video "
                + "(\(Text.frames(abs(difference) * Double(expectation.framesPerSecond))))"
        return check("track_durations", ok ? .pass : .fail, expected: expected, actual: actual, message)
    }

    /// The video stream's duration from the container, else the decoded span, else the file's.
    var videoDuration: Seconds? {
        info.video?.duration ?? content.video?.duration ?? info.duration
    }

    /// The audio stream's duration from the container, else the decoded span.
    var audioDuration: Seconds? {
        info.audio?.duration ?? content.audio?.duration
    }
}

extension Text {
    static func rate(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.3f", value)
    }
}
