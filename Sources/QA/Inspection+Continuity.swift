import Foundation
import Media

extension QA {
    /// Whether the clip at `path` starts from the image at `image`: its first decoded frame against the image
    /// fitted to the clip's size as the service fits a first-frame image (cover, centre crop), by the PSNR of their
    /// luma. At least `thresholds.continuity` dB passes; below it fails (the clip starts elsewhere: a chained
    /// shot that does not continue from the one before).
    ///
    /// Throws `MediaError` when the clip has no decodable first frame or the image cannot be read.
    public static func continuity(of path: String, startingFrom image: String,
                                  thresholds: QAThresholds = QAThresholds()) throws -> QACheck {
        let first = try extractFrame(from: path, at: .seconds(0))
        let fitted = try coverFittedImage(image, width: first.width, height: first.height)
        let psnr = first.lumaPSNR(against: fitted) ?? 0
        let limit = thresholds.continuity
        let shown = psnr.isFinite ? String(format: "%.1f dB", psnr) : "identical"
        let name = (image as NSString).lastPathComponent
        let expected = String(format: "first frame continues %@ (luma PSNR at least %g dB)", name, limit)
        if psnr >= limit {
            return QACheck(name: continuityCheckName, verdict: .pass, expected: expected, actual: shown,
                           message: "the clip starts from \(name)")
        }
        return QACheck(name: continuityCheckName, verdict: .fail, expected: expected, actual: shown,
                       message: "the clip does not start from \(name): its first frame differs (luma PSNR \(shown), "
                           + String(format: "below %g dB)", limit))
    }
}
