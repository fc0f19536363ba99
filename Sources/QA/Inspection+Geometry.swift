import SeedanceAPI

extension Inspection {
    /// The displayed size (after rotation) is one the family makes for the resolution and ratio; `adaptive`
    /// accepts any documented size of the resolution; 2.x 1080p may be 1920x1088.
    func geometry() -> QACheck {
        let family = expectation.family, resolution = expectation.resolution, ratio = expectation.ratio
        let accepted = OutputGeometry.acceptedSizes(family: family, resolution: resolution, ratio: ratio)
        let what = "\(family) \(resolution.rawValue) \(ratio.rawValue)"
        let expected = accepted.isEmpty ? "none (\(what) is not made)"
            : (ratio == .adaptive ? "one of " : "") + accepted.map(\.size.description).joined(separator: " or ") + " (\(what))"
        guard let video = info.video else {
            return check("geometry", .fail, expected: expected, actual: "no video stream", "the file has no video stream")
        }
        let shown = PixelSize(video.displayWidth, video.displayHeight)
        let coded = PixelSize(video.width, video.height)
        let actual = video.rotation == 0 ? shown.description
            : "\(shown) (coded \(coded), rotation \(video.rotation))"
        if accepted.isEmpty {
            return check("geometry", .fail, expected: expected, actual: actual,
                         "\(family) does not make \(resolution.rawValue) output")
        }
        if let match = accepted.first(where: { $0.size == shown }) {
            var message = "\(shown), the \(what) size"
            if ratio == .adaptive, let (_, matched) = OutputGeometry.lookup(shown, family: family) {
                message = "\(shown), the \(family) \(resolution.rawValue) \(matched.rawValue) size (adaptive)"
            }
            if let note = match.note { message = "\(shown): \(note)" }
            if video.rotation != 0 { message += "; shown after rotation \(video.rotation)" }
            return check("geometry", .pass, expected: expected, actual: actual, message)
        }
        if video.rotation != 0, accepted.contains(where: { $0.size == coded }) {
            return check("geometry", .fail, expected: expected, actual: actual,
                         "the coded \(coded) matches, but rotation \(video.rotation) shows it as \(shown)")
        }
        return check("geometry", .fail, expected: expected, actual: actual, mismatch(shown, expectedText: expected))
    }

    /// Names what a wrong size is, when it is some Seedance size: another ratio or resolution, or the other
    /// family's table (a 1.0-series size under a 2.x model).
    private func mismatch(_ size: PixelSize, expectedText: String) -> String {
        let family = expectation.family
        if let (resolution, ratio) = OutputGeometry.lookup(size, family: family) {
            return "\(size) is the \(family) \(resolution.rawValue) \(ratio.rawValue) size; expected \(expectedText)"
        }
        for other in ModelFamily.allCases where other != family {
            if let (resolution, ratio) = OutputGeometry.lookup(size, family: other) {
                return "\(size) is the \(other) \(resolution.rawValue) \(ratio.rawValue) size, but \(expectation.model) "
                    + "is \(family): expected \(expectedText)"
            }
        }
        return "\(size) is not a size Seedance makes; expected \(expectedText)"
    }
}
