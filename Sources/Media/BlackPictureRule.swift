import CFFmpeg

/// FFmpeg's blackdetect rule for one picture, counted in Swift: a picture is black when the share of its luma
/// samples at or below the black level reaches `pic_th`.
///
/// This is vf_blackdetect.c of FFmpeg 5.1 exactly (the same integer threshold, truncated from the same floating
/// point expression, the same range test, the same ratio comparison), so the stretches found are the filter's. The
/// difference is the cost: the filter counts every sample of every picture one at a time (half of libavfilter's time
/// in `seedance verify`), while this stops as soon as enough bright samples have been seen for the picture not to be
/// black (after a few rows for ordinary pictures) and counts whole rows at once otherwise.
/// `BlackPictureRuleTests` checks it against the filter picture by picture and stretch by
/// stretch on every fixture and real-world file.
struct BlackPictureRule {
    /// blackdetect's `pic_th`.
    let pictureRatio: Double
    /// blackdetect's `pix_th`.
    let pixelThreshold: Double

    /// The pixel formats counted here: those of blackdetect's list whose luma is plane 0, one 8-bit byte or one
    /// native 16-bit word per sample (every format a decoder of the clips QA sees produces). For any other format
    /// the filter itself runs.
    static let formats: Set<Int32> = {
        var formats: [AVPixelFormat] = [
            AV_PIX_FMT_GRAY8, AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUV440P,
            AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_NV12,
            AV_PIX_FMT_NV21, AV_PIX_FMT_YUVA420P, AV_PIX_FMT_YUVA422P, AV_PIX_FMT_YUVA444P,
        ]
        // The wider formats' native-endian names (the LE ones on the machines this builds for).
        for name in ["gray10", "gray12", "yuv420p10", "yuv422p10", "yuv444p10", "yuv420p12", "yuv422p12",
                     "yuv444p12"] {
            let native = name + (UInt16(1).bigEndian == 1 ? "be" : "le")
            let format = av_get_pix_fmt(native)
            if format != AV_PIX_FMT_NONE { formats.append(format) }
        }
        return Set(formats.map(\.rawValue))
    }()

    /// The formats blackdetect treats as full range whatever the frame's `color_range` says.
    private static let fullRangeFormats: Set<Int32> = Set([AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P,
                                                           AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P,
                                                           AV_PIX_FMT_YUVJ411P].map(\.rawValue))

    /// Whether pictures of `format` are counted here (otherwise the blackdetect filter must run).
    static func supports(_ format: Int32) -> Bool { formats.contains(format) }

    /// blackdetect's integer black level for `frame`: `pix_th` of the full range (the yuvj formats), or of the video
    /// range above 16.
    func threshold(for frame: UnsafePointer<AVFrame>, depth: Int) -> UInt32 {
        let factor = 1 << (depth - 8)
        let max = (1 << depth) - 1
        // Full range by the pixel format alone: FFmpeg 5.1's filter does not look at the frame's `color_range`
        // (a yuv420p picture flagged full range is measured against the video range; the tests pin this).
        let full = Self.fullRangeFormats.contains(frame.pointee.format)
        // The filter's C expression, evaluated in the same order and truncated to unsigned int the same way.
        let level = full ? pixelThreshold * Double(max)
                         : Double(16 * factor) + pixelThreshold * Double(235 - 16) * Double(factor)
        return level <= 0 ? 0 : UInt32(min(level, Double(UInt32.max)))
    }

    /// The fewest black samples that make a picture of `total` samples black (`count / total >= pic_th` in double
    /// precision, as the filter compares); `total + 1` when no count does.
    func blackSamplesNeeded(total: Int) -> Int {
        guard total > 0 else { return pictureRatio <= 0 ? 0 : 1 }
        let n = Double(total)
        guard pictureRatio <= 1 else { return total + 1 }
        var needed = max(0, min(total, Int((pictureRatio * n).rounded(.up))))
        while needed > 0, Double(needed - 1) / n >= pictureRatio { needed -= 1 }
        while needed < total, Double(needed) / n < pictureRatio { needed += 1 }
        return needed
    }

    /// Whether blackdetect calls `frame` black. `frame` must be of a supported format; the picture's size is the
    /// frame's own (the filter divides by its input link's, which is the same for every frame of a stream).
    func isBlack(_ frame: UnsafePointer<AVFrame>) -> Bool {
        let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
        guard let descriptor = av_pix_fmt_desc_get(AVPixelFormat(frame.pointee.format)),
              let plane = frame.pointee.data.0 else { return false }
        let depth = Int(descriptor.pointee.comp.0.depth)
        let threshold = threshold(for: frame, depth: depth)
        let total = width * height
        let needed = blackSamplesNeeded(total: total)
        if needed > total { return false }
        // Not black as soon as more samples are brighter than the picture can hold.
        let brightAllowed = total - needed
        let linesize = Int(frame.pointee.linesize.0)
        var bright = 0
        for y in 0..<height {
            let row = UnsafeRawPointer(plane + y * linesize)
            bright += depth > 8
                ? Self.countAbove(row.assumingMemoryBound(to: UInt16.self), count: width, threshold: threshold)
                : Self.countAbove(row.assumingMemoryBound(to: UInt8.self), count: width, threshold: threshold)
            if bright > brightAllowed { return false }
        }
        return true
    }

    /// Samples of one row (8-bit bytes or 16-bit words) above `threshold`. Written as a branch-free sum so the
    /// compiler vectorises each specialisation.
    @inline(__always)
    private static func countAbove<Sample: FixedWidthInteger & UnsignedInteger>(
        _ row: UnsafePointer<Sample>, count: Int, threshold: UInt32) -> Int {
        guard threshold < UInt32(Sample.max) else { return 0 }
        let limit = Sample(threshold)
        var above: UInt32 = 0
        for x in 0..<count { above &+= row[x] > limit ? 1 : 0 }
        return Int(above)
    }
}

/// blackdetect's start and end marks over a stream of pictures: a stretch starts at the first black picture and
/// ends at the next picture that is not black, each mark the picture's time as the filter writes it into the
/// frame's metadata (`%.6g` seconds), read back as a number.
struct BlackRunMarks {
    private var started = false

    /// The marks `lavfi.black_start` and `lavfi.black_end` blackdetect would set on this picture (nil when it sets
    /// none, or when the picture has no timestamp: the filter then writes "NOPTS", which reads as no number).
    mutating func step(isBlack: Bool, pts: Int64, timeBase: AVRational) -> (start: Double?, end: Double?) {
        if isBlack {
            guard !started else { return (nil, nil) }
            started = true
            return (Self.timeString(pts, timeBase), nil)
        }
        guard started else { return (nil, nil) }
        started = false
        return (nil, Self.timeString(pts, timeBase))
    }

    /// `av_ts2timestr`: `%.6g` of `av_q2d(tb) * ts`, parsed back as the metadata reader does.
    static func timeString(_ pts: Int64, _ timeBase: AVRational) -> Double? {
        guard pts != cff_nopts_value() else { return nil }
        var buffer = [CChar](repeating: 0, count: 32)
        let value = av_q2d(timeBase) * Double(pts)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.6g", $0) }
        return Double(String(cString: buffer))
    }
}
