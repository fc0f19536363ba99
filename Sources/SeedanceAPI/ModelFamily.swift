/// The Seedance model generations whose limits and output sizes differ.
public enum ModelFamily: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Seedance 1.0 (pro, lite): the older pixel table, `frames` allowed, 2...12 s.
    case v1_0 = "1.0"
    /// Seedance 1.5 pro: the newer pixel table, 4...12 s or -1.
    case v1_5 = "1.5"
    /// Seedance 2.x: the newer pixel table, 4...15 s or -1, 4k on 2.0 standard.
    case v2 = "2.x"

    /// The family of a model id such as `doubao-seedance-1-0-pro-250528` or `dreamina-seedance-2-0-260128`.
    ///
    /// Endpoint ids (`ep-...`) and unknown names give nil: the caller decides (the CLI defaults to 2.x and says so).
    public init?(model: String) {
        let id = model.lowercased()
        if id.contains("seedance-1-0") || id.contains("seedance-1.0") || id.contains("seaweed") {
            self = .v1_0
        } else if id.contains("seedance-1-5") || id.contains("seedance-1.5") {
            self = .v1_5
        } else if id.contains(/seedance-2[-.]\d/) {
            self = .v2
        } else {
            return nil
        }
    }

    public var description: String { "Seedance \(rawValue)" }

    /// Allowed `duration` values in seconds (`-1` means "the model chooses", where allowed).
    public var durationRange: ClosedRange<Int> {
        switch self {
        case .v1_0: 2...12
        case .v1_5: 4...12
        case .v2: 4...15
        }
    }

    /// Whether `duration: -1` (model chooses) is accepted.
    public var allowsAutomaticDuration: Bool { self != .v1_0 }

    /// Resolutions the family can make (a model of it may make fewer: `resolutions(model:)`).
    public var resolutions: [Resolution] {
        self == .v2 ? [.p480, .p720, .p1080, .k4] : [.p480, .p720, .p1080]
    }

    /// Resolutions `model` of this family can make: 4k on 2.0 standard models only; 480p and 720p only on the 2.x
    /// fast models (the providers' API reference). An endpoint id (`ep-...`) hides its model: the family's list.
    public func resolutions(model: String) -> [Resolution] {
        let id = model.lowercased()
        if id.hasPrefix("ep-") { return resolutions }
        if self == .v2 && id.contains("fast") { return [.p480, .p720] }
        if self == .v2 && !Self.isStandard20(id) { return [.p480, .p720, .p1080] }
        return resolutions
    }

    /// Whether `id` (lowercased) names a 2.0 standard model (not fast, not lite).
    static func isStandard20(_ id: String) -> Bool {
        id.contains(/seedance-2[-.]0/) && !id.contains("fast") && !id.contains("lite")
    }
}

/// An output resolution class.
public enum Resolution: String, Sendable, Hashable, CaseIterable, Codable {
    /// 480p.
    case p480 = "480p"
    /// 720p.
    case p720 = "720p"
    /// 1080p.
    case p1080 = "1080p"
    /// 4k (Seedance 2.0 standard only; 10-bit H.265).
    case k4 = "4k"
}

/// An output aspect ratio; `adaptive` takes it from the first-frame image (or lets the model choose).
public enum AspectRatio: String, Sendable, Hashable, CaseIterable, Codable {
    case r16x9 = "16:9"
    case r4x3 = "4:3"
    case r1x1 = "1:1"
    case r3x4 = "3:4"
    case r9x16 = "9:16"
    case r21x9 = "21:9"
    case adaptive

    /// The fixed ratios (all but `adaptive`).
    public static let fixed: [AspectRatio] = [.r16x9, .r4x3, .r1x1, .r3x4, .r9x16, .r21x9]

    /// Width over height, nil for `adaptive`.
    public var value: Double? {
        switch self {
        case .r16x9: 16.0 / 9
        case .r4x3: 4.0 / 3
        case .r1x1: 1
        case .r3x4: 3.0 / 4
        case .r9x16: 9.0 / 16
        case .r21x9: 21.0 / 9
        case .adaptive: nil
        }
    }
}
