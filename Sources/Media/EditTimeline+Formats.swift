import Foundation

extension EditTimeline {
    /// OpenTimelineIO JSON: a stack of a video track and, when any clip has sound, an audio track, each with one
    /// clip per source (an external reference to the file, its whole range at its own rate).
    public func otio() -> String {
        func time(_ value: Int, _ rate: Rational) -> String {
            "{\"OTIO_SCHEMA\": \"RationalTime.1\", \"rate\": \(TimelineText.number(rate)), \"value\": \(value)}"
        }
        func range(_ clip: Clip) -> String {
            "{\"OTIO_SCHEMA\": \"TimeRange.1\", \"duration\": \(time(clip.frames, clip.rate)), "
                + "\"start_time\": \(time(0, clip.rate))}"
        }
        func item(_ clip: Clip) -> String {
            """
            {"OTIO_SCHEMA": "Clip.2", "name": \(TimelineText.json(clip.name)), "metadata": {}, \
            "source_range": \(range(clip)), "effects": [], "markers": [], "enabled": true, \
            "media_references": {"DEFAULT_MEDIA": {"OTIO_SCHEMA": "ExternalReference.1", "name": \
            \(TimelineText.json(clip.name)), "metadata": {}, "target_url": \(TimelineText.json(clip.url)), \
            "available_range": \(range(clip)), "available_image_bounds": null}}, \
            "active_media_reference_key": "DEFAULT_MEDIA"}
            """
        }
        func track(_ name: String, _ kind: String, _ clips: [Clip]) -> String {
            "{\"OTIO_SCHEMA\": \"Track.1\", \"name\": \"\(name)\", \"kind\": \"\(kind)\", \"metadata\": {}, "
                + "\"source_range\": null, \"effects\": [], \"markers\": [], \"enabled\": true, \"children\": [\n      "
                + clips.map(item).joined(separator: ",\n      ") + "\n    ]}"
        }
        var tracks = [track("V1", "Video", clips)]
        if clips.contains(where: \.hasAudio) { tracks.append(track("A1", "Audio", clips.filter(\.hasAudio))) }
        return """
            {"OTIO_SCHEMA": "Timeline.1", "name": \(TimelineText.json(name)), "metadata": {}, \
            "global_start_time": null, "tracks": {"OTIO_SCHEMA": "Stack.1", "name": "tracks", "metadata": {}, \
            "source_range": null, "effects": [], "markers": [], "enabled": true, "children": [
                \(tracks.joined(separator: ",\n    "))
            ]}}

            """
    }

    /// Final Cut Pro XML 1.8: one format, an asset per clip (its file in `src`), and a sequence whose spine holds
    /// an asset-clip per clip, end to end.
    public func fcpxml() -> String {
        let rate = self.rate
        func duration(_ frames: Int) -> String {
            // frameDuration is den/num s: N frames last N*den/num s.
            "\(frames * Int(rate.denominator))/\(rate.numerator)s"
        }
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE fcpxml>
            <fcpxml version="1.8">
              <resources>
                <format id="r1" frameDuration="\(rate.denominator)/\(rate.numerator)s" \
            width="\(clips.first?.width ?? 1280)" height="\(clips.first?.height ?? 720)"/>

            """
        for (index, clip) in clips.enumerated() {
            out += "    <asset id=\"r\(index + 2)\" name=\"\(TimelineText.xml(clip.name))\" start=\"0s\" "
                + "duration=\"\(duration(clip.frames))\" hasVideo=\"1\" hasAudio=\"\(clip.hasAudio ? 1 : 0)\" "
                + "format=\"r1\"" + (clip.hasAudio ? " audioSources=\"1\" audioChannels=\"2\" audioRate=\"\(clip.sampleRate)\"" : "")
                + " src=\"\(TimelineText.xml(clip.url))\"/>\n"
        }
        out += """
              </resources>
              <library>
                <event name="\(TimelineText.xml(name))">
                  <project name="\(TimelineText.xml(name))">
                    <sequence format="r1" duration="\(duration(totalFrames))" tcStart="0s" tcFormat="NDF">
                      <spine>

            """
        var offset = 0
        for (index, clip) in clips.enumerated() {
            out += "            <asset-clip name=\"\(TimelineText.xml(clip.name))\" ref=\"r\(index + 2)\" "
                + "offset=\"\(duration(offset))\" duration=\"\(duration(clip.frames))\" start=\"0s\" format=\"r1\" "
                + "tcFormat=\"NDF\"/>\n"
            offset += clip.frames
        }
        out += """
                      </spine>
                    </sequence>
                  </project>
                </event>
              </library>
            </fcpxml>

            """
        return out
    }

    /// Final Cut Pro 7 XML (xmeml 5), which Premiere imports: a sequence with a video track and an audio track of
    /// clip items, each pointing at its file (`pathurl`) with in and out points in frames.
    public func fcp7XML() -> String {
        let rate = self.rate
        let timebase = Int((rate.value ?? 24).rounded())
        let ntsc = rate.denominator == 1001 ? "TRUE" : "FALSE"
        let rateXML = "<rate><timebase>\(timebase)</timebase><ntsc>\(ntsc)</ntsc></rate>"
        func file(_ clip: Clip, _ index: Int, full: Bool) -> String {
            guard full else { return "<file id=\"file-\(index + 1)\"/>" }
            return "<file id=\"file-\(index + 1)\"><name>\(TimelineText.xml(clip.name))</name>"
                + "<pathurl>\(TimelineText.xml(clip.url))</pathurl>\(rateXML)<duration>\(clip.frames)</duration>"
                + "<media><video><samplecharacteristics><width>\(clip.width)</width><height>\(clip.height)</height>"
                + "</samplecharacteristics></video>"
                + (clip.hasAudio ? "<audio><channelcount>2</channelcount></audio>" : "") + "</media></file>"
        }
        func items(audio: Bool) -> String {
            var start = 0
            var out = ""
            for (index, clip) in clips.enumerated() {
                defer { start += clip.frames }
                if audio && !clip.hasAudio { continue }
                out += "          <clipitem id=\"clipitem-\(audio ? "a" : "v")\(index + 1)\">"
                    + "<name>\(TimelineText.xml(clip.name))</name><duration>\(clip.frames)</duration>\(rateXML)"
                    + "<start>\(start)</start><end>\(start + clip.frames)</end><in>0</in><out>\(clip.frames)</out>"
                    + file(clip, index, full: !audio)
                    + (audio ? "<sourcetrack><mediatype>audio</mediatype><trackindex>1</trackindex></sourcetrack>" : "")
                    + "</clipitem>\n"
            }
            return out
        }
        let audioTracks = clips.contains(where: \.hasAudio) ? "      <audio>\n        <track>\n\(items(audio: true))"
            + "        </track>\n      </audio>\n" : ""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE xmeml>
            <xmeml version="5">
              <sequence id="sequence-1">
                <name>\(TimelineText.xml(name))</name>
                <duration>\(totalFrames)</duration>
                \(rateXML)
                <media>
                  <video>
                    <format><samplecharacteristics><width>\(clips.first?.width ?? 1280)</width>\
            <height>\(clips.first?.height ?? 720)</height></samplecharacteristics></format>
                    <track>
            \(items(audio: false))        </track>
                  </video>
            \(audioTracks)    </media>
              </sequence>
            </xmeml>

            """
    }

    /// A CMX 3600 EDL: one event per clip (reel AX, video and its sound), source in and out from 00:00:00:00,
    /// record in and out end to end, with the clip's name and file in comments.
    public func edl() -> String {
        let fps = Int((rate.value ?? 24).rounded())
        func timecode(_ frames: Int) -> String {
            let f = frames % fps, s = frames / fps
            return String(format: "%02d:%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60, f)
        }
        var out = "TITLE: \(name)\nFCM: NON-DROP FRAME\n\n"
        var record = 0
        for (index, clip) in clips.enumerated() {
            let channels = clip.hasAudio ? "AA/V" : "V   "
            out += String(format: "%03d", index + 1) + "  AX       \(channels)  C        "
                + "\(timecode(0)) \(timecode(clip.frames)) \(timecode(record)) \(timecode(record + clip.frames))\n"
            out += "* FROM CLIP NAME: \(clip.name)\n* SOURCE FILE: \(clip.absolutePath)\n\n"
            record += clip.frames
        }
        return out
    }
}
