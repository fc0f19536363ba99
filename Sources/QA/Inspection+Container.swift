import SeedanceAPI

extension Inspection {
    /// MP4 or MOV (FFmpeg's `mov,mp4,m4a,3gp,3g2,mj2` demuxer).
    func container() -> QACheck {
        let isISO = info.formatName.contains("mp4") || info.formatName.contains("mov")
        return check("container", isISO ? .pass : .fail, expected: "MP4 or MOV", actual: info.formatName,
                     isISO ? "MP4/MOV container" : "the container is \(info.formatName), not MP4 or MOV")
    }

    /// Every packet decodes (a damaged file never reaches here: `QA.undecodable` reports it).
    func decoded() -> QACheck {
        var parts: [String] = []
        if let video = content.video { parts.append("\(video.frameCount) video frames") }
        if let audio = content.audio { parts.append(Text.seconds(audio.duration) + " of audio") }
        let actual = parts.isEmpty ? "nothing to decode" : parts.joined(separator: ", ")
        return check("decode", .pass, expected: "every packet decodes", actual: actual, "decodes without error")
    }

    /// H.264 or H.265; 4k must be 10-bit H.265.
    func videoCodec() -> QACheck {
        let is4k = expectation.resolution == .k4
        let expected = is4k ? "hevc (10-bit)" : "h264 or hevc"
        guard let video = info.video else {
            return check("video_codec", .fail, expected: expected, actual: "no video stream", "the file has no video stream")
        }
        let actual = video.codec + (video.profile.map { " (\($0))" } ?? "")
        if is4k {
            let tenBit = video.pixelFormat?.contains("10") == true || video.profile?.contains("10") == true
            if video.codec == "hevc" && tenBit {
                return check("video_codec", .pass, expected: expected, actual: actual, "10-bit H.265, as 4k should be")
            }
            return check("video_codec", .fail, expected: expected, actual: actual,
                         "4k output is 10-bit H.265; this is \(actual)\(tenBit ? "" : ", not 10-bit")")
        }
        let ok = video.codec == "h264" || video.codec == "hevc"
        return check("video_codec", ok ? .pass : .fail, expected: expected, actual: actual,
                     ok ? "\(video.codec == "h264" ? "H.264" : "H.265") video" : "\(video.codec) is not H.264 or H.265")
    }

    /// yuv420p (4k: yuv420p10le): what every player decodes.
    func pixelFormat() -> QACheck {
        let expected = expectation.resolution == .k4 ? "yuv420p10le" : "yuv420p"
        guard let video = info.video else {
            return check("pixel_format", .fail, expected: expected, actual: "no video stream", "the file has no video stream")
        }
        guard let format = video.pixelFormat, format != "none" else {
            return check("pixel_format", .warn, expected: expected, actual: "unknown", "the pixel format could not be read")
        }
        let ok = format == expected
        return check("pixel_format", ok ? .pass : .fail, expected: expected, actual: format,
                     ok ? "\(format)" : "\(format) where \(expected) was expected (players and the API's outputs use \(expected))")
    }

    /// moov before mdat, so web players can start before the download ends: a warning when missing.
    func faststart() -> QACheck {
        switch info.faststart {
        case true?:
            return check("faststart", .pass, expected: "moov before mdat", actual: "moov before mdat", "web-ready (faststart)")
        case false?:
            return check("faststart", .warn, expected: "moov before mdat", actual: "moov after mdat",
                         "moov is at the end: web players must download the whole file before playing "
                         + "(fix losslessly with seedance concat or ffmpeg -c copy -movflags +faststart)")
        case nil:
            return check("faststart", .warn, expected: "moov before mdat", actual: "not MP4/MOV",
                         "faststart does not apply to \(info.formatName)")
        }
    }
}
