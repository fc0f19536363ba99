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

    /// Exactly 24 frames per second (average rate; 24000/1001 is not 24). When the timestamps sit on a grid that
    /// cannot hold 24 fps (a consumer app's 1/60 s), the message says so: frames then alternate 2 and 3 ticks.
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
        var actual = "\(Text.rate(value)) fps (\(reduced))"
        let real = video.realFrameRate.reduced
        if !video.realFrameRate.isUnknown, real != reduced, let realValue = real.value {
            actual += ", r_frame_rate \(Text.rate(realValue))"
        }
        if exact {
            return check("frame_rate", .pass, expected: expected, actual: actual, "\(fps) fps")
        }
        var message = "\(Text.rate(value)) fps on average where Seedance makes exactly \(fps)"
        if !timeBaseHolds(fps) {
            let base = video.timeBase.reduced
            message += ": the timestamps sit on a \(base) s grid (r_frame_rate \(Text.rate(real.value ?? 0))), "
                + "so frames cannot be evenly 1/\(fps) s apart (re-timed by an app, not an API delivery?)"
        }
        return check("frame_rate", .fail, expected: expected, actual: actual, message)
    }

    /// The video time base holds every frame time exactly (1/12288 in real deliveries: 512 ticks a frame).
    /// One that cannot (1/60 for 24 fps) is a warning: players cope, exact cuts and joins do not.
    func timeBase() -> QACheck {
        let fps = expectation.framesPerSecond
        let expected = "a multiple of \(fps) ticks a second (real deliveries: 1/12288)"
        guard let video = info.video else {
            return check("time_base", .pass, expected: expected, actual: "no video stream",
                         "no video stream (see video_codec)")
        }
        let actual = "\(video.timeBase.numerator)/\(video.timeBase.denominator)"
        if timeBaseHolds(fps) {
            return check("time_base", .pass, expected: expected, actual: actual,
                         "\(actual): every 1/\(fps) s frame time is exact")
        }
        return check("time_base", .warn, expected: expected, actual: actual,
                     "\(actual) cannot hold 1/\(fps) s frame times exactly: timestamps are rounded, which exact "
                        + "cuts and copy joins notice")
    }

    /// Whether the video time base is a whole number of ticks per frame at `fps`.
    private func timeBaseHolds(_ fps: Int) -> Bool {
        guard let base = info.video?.timeBase.reduced, base.numerator > 0, base.denominator > 0 else { return true }
        // ticks per frame = den / (num * fps), whole when den is divisible by num * fps.
        return Int64(base.denominator) % (Int64(base.numerator) * Int64(fps)) == 0
    }

    /// The audio track lasts as long as the video track: within `trackDurationTolerance` passes, within
    /// `trackDurationLimit` warns (a few frames: a player pads or cuts), beyond fails (sound missing at an end).
    func trackDurations() -> QACheck {
        let tolerance = thresholds.trackDurationTolerance, limit = thresholds.trackDurationLimit
        let expected = "audio and video within \(Text.seconds(tolerance)) (more than \(Text.seconds(limit)) fails)"
        guard info.video != nil else {
            return check("track_durations", .pass, expected: expected, actual: "no video track",
                         "no video track to compare (see video_codec)")
        }
        guard info.audio != nil else {
            return check("track_durations", .pass, expected: expected, actual: "no audio track",
                         "no audio track to compare (see the audio check)")
        }
        guard let video = videoDuration, let audio = audioDuration else {
            return check("track_durations", .warn, expected: expected, actual: "unknown",
                         "a track's duration could not be read")
        }
        let difference = audio - video
        let actual = "video \(Text.seconds(video)), audio \(Text.seconds(audio))"
        if abs(difference) <= tolerance + 1e-9 {
            return check("track_durations", .pass, expected: expected, actual: actual,
                         "they agree (\(Text.signedSeconds(difference)))")
        }
        let message = "the audio is \(Text.seconds(abs(difference))) \(difference < 0 ? "shorter" : "longer") than the "
            + "video (\(Text.frames(abs(difference) * Double(expectation.framesPerSecond))))"
        let verdict: Verdict = abs(difference) <= limit + 1e-9 ? .warn : .fail
        return check("track_durations", verdict, expected: expected, actual: actual, message)
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
