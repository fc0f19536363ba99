/// A width and height in pixels.
public struct PixelSize: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// Makes a size.
    public init(_ width: Int, _ height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)x\(height)" }
}

/// The documented output sizes (`seedance-api.md`, "Output geometry"), per family, resolution and ratio.
public enum OutputGeometry {
    /// Frames per second of every Seedance output.
    public static let framesPerSecond = 24

    /// Frames the service makes for `duration` seconds: 24 x duration + 1.
    public static func frameCount(duration: Int) -> Int { framesPerSecond * duration + 1 }

    /// The documented size, or nil for `adaptive` or a combination the family does not make (4k before 2.0).
    public static func size(family: ModelFamily, resolution: Resolution, ratio: AspectRatio) -> PixelSize? {
        guard let column = AspectRatio.fixed.firstIndex(of: ratio) else { return nil }
        return table(family)[resolution]?[column]
    }

    /// Every documented size of a family and resolution (what `adaptive` may give).
    public static func sizes(family: ModelFamily, resolution: Resolution) -> [PixelSize] {
        table(family)[resolution] ?? []
    }

    /// The sizes a delivered clip may legitimately have, with a note for sizes that are accepted but not the table's
    /// own (2.x 1080p 16:9 is documented as 1920x1080 and observed as 1920x1088).
    public static func acceptedSizes(family: ModelFamily, resolution: Resolution, ratio: AspectRatio)
        -> [(size: PixelSize, note: String?)]
    {
        let base: [PixelSize] = ratio == .adaptive
            ? sizes(family: family, resolution: resolution)
            : size(family: family, resolution: resolution, ratio: ratio).map { [$0] } ?? []
        var accepted: [(size: PixelSize, note: String?)] = base.map { ($0, nil) }
        if family == .v2, resolution == .p1080 {
            for size in base where size.height == 1080 || size.width == 1080 {
                let padded = size.height == 1080 ? PixelSize(size.width, 1088) : PixelSize(1088, size.height)
                accepted.append((padded, "2.x 1080p output may be \(padded) (the token counts say so): accepted"))
            }
        }
        return accepted
    }

    /// The family, resolution and ratio whose documented size is `size`, if any.
    public static func lookup(_ size: PixelSize, family: ModelFamily) -> (Resolution, AspectRatio)? {
        for resolution in family.resolutions {
            if let column = table(family)[resolution]?.firstIndex(of: size) {
                return (resolution, AspectRatio.fixed[column])
            }
        }
        return nil
    }

    private static func table(_ family: ModelFamily) -> [Resolution: [PixelSize]] {
        family == .v1_0 ? v1Table : v2Table
    }

    // Columns in the order of `AspectRatio.fixed`: 16:9, 4:3, 1:1, 3:4, 9:16, 21:9.
    private static let v2Table: [Resolution: [PixelSize]] = [
        .p480: [.init(864, 496), .init(752, 560), .init(640, 640), .init(560, 752), .init(496, 864), .init(992, 432)],
        .p720: [.init(1280, 720), .init(1112, 834), .init(960, 960), .init(834, 1112), .init(720, 1280), .init(1470, 630)],
        .p1080: [.init(1920, 1080), .init(1664, 1248), .init(1440, 1440), .init(1248, 1664), .init(1080, 1920),
                 .init(2206, 946)],
        .k4: [.init(3840, 2160), .init(3326, 2494), .init(2880, 2880), .init(2494, 3326), .init(2160, 3840),
              .init(4398, 1886)],
    ]

    private static let v1Table: [Resolution: [PixelSize]] = [
        .p480: [.init(864, 480), .init(736, 544), .init(640, 640), .init(544, 736), .init(480, 864), .init(960, 416)],
        .p720: [.init(1248, 704), .init(1120, 832), .init(960, 960), .init(832, 1120), .init(704, 1248), .init(1504, 640)],
        .p1080: [.init(1920, 1088), .init(1664, 1248), .init(1440, 1440), .init(1248, 1664), .init(1088, 1920),
                 .init(2176, 928)],
    ]

    /// Tokens billed for a clip: W x H x (24 x duration + 1) / 1024 (the documented formula).
    public static func tokens(size: PixelSize, frames: Int) -> Int {
        size.width * size.height * frames / 1024
    }
}
