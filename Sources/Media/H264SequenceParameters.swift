import CFFmpeg

/// What a probe needs from an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1 and E.1.1): the profile with its
/// constraint flags, chroma format, bit depth, cropped size, sample aspect ratio and the video signal's range and
/// matrix. Read from the first SPS of an MP4 `avcC` box, so that a probe need not decode a picture to learn them.
struct H264SequenceParameters: Equatable {
    /// FFmpeg's profile value (`profile_idc` plus FFmpeg's constrained and intra flags, as `ff_h264_get_profile`).
    var profile: Int32
    /// 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.
    var chromaFormat: Int
    /// Luma bit depth.
    var bitDepth: Int
    /// The picture size after the frame cropping, as decoders output it.
    var width: Int
    var height: Int
    /// The VUI's sample aspect ratio, nil when it declares none (or "unspecified").
    var sampleAspectRatio: AVRational?
    /// The VUI's `video_full_range_flag`, nil when the SPS has no video signal type.
    var fullRange: Bool?
    /// The VUI's `matrix_coefficients`, nil when the SPS has no colour description.
    var matrix: Int?

    static func == (a: Self, b: Self) -> Bool {
        a.profile == b.profile && a.chromaFormat == b.chromaFormat && a.bitDepth == b.bitDepth && a.width == b.width
            && a.height == b.height && a.sampleAspectRatio?.num == b.sampleAspectRatio?.num
            && a.sampleAspectRatio?.den == b.sampleAspectRatio?.den && a.fullRange == b.fullRange
            && a.matrix == b.matrix
    }

    /// Table E-1 (`aspect_ratio_idc` 1-16).
    private static let aspectRatios: [(Int32, Int32)] = [
        (0, 1), (1, 1), (12, 11), (10, 11), (16, 11), (40, 33), (24, 11), (20, 11), (32, 11), (80, 33), (18, 11),
        (15, 11), (64, 33), (160, 99), (4, 3), (3, 2), (2, 1),
    ]

    /// Profiles whose SPS carries chroma format, bit depths and scaling matrices.
    private static let highProfiles: Set<Int> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]

    /// Parses the first SPS of an `avcC` (AVCDecoderConfigurationRecord); nil when there is none, it is cut short,
    /// or it uses what a probe does not handle (separate colour planes, a reserved aspect ratio).
    init?(avcC: UnsafeBufferPointer<UInt8>) {
        guard avcC.count > 8, avcC[0] == 1, avcC[5] & 0x1f >= 1 else { return nil }
        let length = Int(avcC[6]) << 8 | Int(avcC[7])
        guard length > 1, 8 + length <= avcC.count else { return nil }
        self.init(nal: Array(avcC[8 ..< 8 + length]))
    }

    /// Parses an SPS NAL unit (with its one-byte header).
    init?(nal: [UInt8]) {
        var reader = RBSPReader(nal: nal.dropFirst())
        let profileIDC = reader.bits(8)
        let constraints = reader.bits(8)
        _ = reader.bits(8) // level_idc
        _ = reader.ue() // seq_parameter_set_id
        var chroma = 1, depth = 8
        if Self.highProfiles.contains(profileIDC) {
            chroma = reader.ue()
            if chroma == 3, reader.bit() == 1 { return nil } // separate_colour_plane_flag
            depth = reader.ue() + 8
            _ = reader.ue() // bit_depth_chroma_minus8
            _ = reader.bit() // qpprime_y_zero_transform_bypass_flag
            if reader.bit() == 1 { // seq_scaling_matrix_present_flag
                for list in 0 ..< (chroma != 3 ? 8 : 12) where reader.bit() == 1 {
                    var last = 8, next = 8
                    for _ in 0 ..< (list < 6 ? 16 : 64) {
                        if next != 0 { next = (last + reader.se() + 256) % 256 }
                        if next != 0 { last = next }
                    }
                }
            }
        }
        _ = reader.ue() // log2_max_frame_num_minus4
        let pocType = reader.ue()
        if pocType == 0 {
            _ = reader.ue()
        } else if pocType == 1 {
            _ = reader.bit()
            _ = reader.se()
            _ = reader.se()
            let cycle = reader.ue()
            guard cycle <= 255 else { return nil }
            for _ in 0 ..< cycle { _ = reader.se() }
        }
        _ = reader.ue() // max_num_ref_frames
        _ = reader.bit() // gaps_in_frame_num_value_allowed_flag
        let widthInMacroblocks = reader.ue() + 1
        let heightInMapUnits = reader.ue() + 1
        let frameMacroblocksOnly = reader.bit()
        if frameMacroblocksOnly == 0 { _ = reader.bit() }
        _ = reader.bit() // direct_8x8_inference_flag
        var crop = (left: 0, right: 0, top: 0, bottom: 0)
        if reader.bit() == 1 { crop = (reader.ue(), reader.ue(), reader.ue(), reader.ue()) }
        // Crop units (7-19 to 7-22): chroma samples for 4:2:0 and 4:2:2, doubled vertically for field coding.
        let unitX = chroma == 1 || chroma == 2 ? 2 : 1
        let unitY = (chroma == 1 ? 2 : 1) * (2 - frameMacroblocksOnly)
        width = 16 * widthInMacroblocks - unitX * (crop.left + crop.right)
        height = 16 * heightInMapUnits * (2 - frameMacroblocksOnly) - unitY * (crop.top + crop.bottom)
        if reader.bit() == 1 { // vui_parameters_present_flag
            if reader.bit() == 1 { // aspect_ratio_info_present_flag
                let idc = reader.bits(8)
                if idc == 255 {
                    sampleAspectRatio = AVRational(num: Int32(reader.bits(16)), den: Int32(reader.bits(16)))
                } else if idc < Self.aspectRatios.count {
                    let (num, den) = Self.aspectRatios[idc]
                    sampleAspectRatio = AVRational(num: num, den: den)
                } else {
                    return nil
                }
            }
            if reader.bit() == 1 { _ = reader.bit() } // overscan
            if reader.bit() == 1 { // video_signal_type_present_flag
                _ = reader.bits(3)
                fullRange = reader.bit() == 1
                if reader.bit() == 1 { // colour_description_present_flag
                    _ = reader.bits(16)
                    matrix = reader.bits(8)
                }
            }
        }
        if let sar = sampleAspectRatio, sar.num <= 0 || sar.den <= 0 { sampleAspectRatio = nil }
        guard !reader.overrun, widthInMacroblocks > 0, width > 0, height > 0 else { return nil }
        chromaFormat = chroma
        bitDepth = depth
        // ff_h264_get_profile: constraint_set1 marks constrained baseline, constraint_set3 the intra profiles.
        var profile = Int32(profileIDC)
        if profileIDC == 66, constraints & 0x40 != 0 { profile |= 1 << 9 }
        if [110, 122, 244].contains(profileIDC), constraints & 0x10 != 0 { profile |= 1 << 11 }
        self.profile = profile
    }

    /// The pixel format FFmpeg's H.264 decoder outputs (its `get_pixel_format`): full-range 8-bit video is the
    /// `yuvj` formats, and the range and matrix the container declares count when the SPS says nothing. Nil for
    /// what this does not map (monochrome, bit depths other than 8 and 10).
    func pixelFormat(containerRange: AVColorRange, containerSpace: AVColorSpace) -> AVPixelFormat? {
        let full = fullRange ?? (containerRange == AVCOL_RANGE_JPEG)
        let rgb = matrix.map { $0 == Int(AVCOL_SPC_RGB.rawValue) } ?? (containerSpace == AVCOL_SPC_RGB)
        switch (bitDepth, chromaFormat) {
        case (8, 1): return full ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_YUV420P
        case (8, 2): return full ? AV_PIX_FMT_YUVJ422P : AV_PIX_FMT_YUV422P
        case (8, 3): return rgb ? AV_PIX_FMT_GBRP : full ? AV_PIX_FMT_YUVJ444P : AV_PIX_FMT_YUV444P
        case (10, 1): return AV_PIX_FMT_YUV420P10LE
        case (10, 2): return AV_PIX_FMT_YUV422P10LE
        case (10, 3): return rgb ? AV_PIX_FMT_GBRP10LE : AV_PIX_FMT_YUV444P10LE
        default: return nil
        }
    }
}

/// Reads bits and Exp-Golomb codes from a NAL unit's payload, dropping emulation-prevention bytes (00 00 03).
/// Reading past the end gives zeros and sets `overrun`.
struct RBSPReader {
    private var bytes: [UInt8] = []
    private var position = 0
    private(set) var overrun = false

    init(nal: ArraySlice<UInt8>) {
        bytes.reserveCapacity(nal.count)
        var zeros = 0
        for byte in nal {
            if zeros >= 2 && byte == 3 {
                zeros = 0
                continue
            }
            zeros = byte == 0 ? zeros + 1 : 0
            bytes.append(byte)
        }
    }

    mutating func bit() -> Int {
        guard position < bytes.count * 8 else {
            overrun = true
            return 0
        }
        let value = Int(bytes[position >> 3] >> (7 - UInt8(position & 7))) & 1
        position += 1
        return value
    }

    mutating func bits(_ count: Int) -> Int {
        var value = 0
        for _ in 0 ..< count { value = value << 1 | bit() }
        return value
    }

    /// ue(v).
    mutating func ue() -> Int {
        var leadingZeros = 0
        while bit() == 0 {
            leadingZeros += 1
            if leadingZeros > 31 || overrun {
                overrun = true
                return 0
            }
        }
        return (1 << leadingZeros) - 1 + bits(leadingZeros)
    }

    /// se(v).
    mutating func se() -> Int {
        let code = ue()
        return code & 1 == 1 ? (code + 1) / 2 : -(code / 2)
    }
}
