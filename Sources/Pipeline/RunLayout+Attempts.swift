import Foundation
import Media
import SeedanceAPI

extension RunLayout {
    /// Where every attempt's clip is kept (`attempts/<shot>-<n>.mp4`), relative; `clips/<shot>.mp4` is a hard link
    /// to the accepted one, so a clip that is replaced, rejected or superseded is never lost.
    public func attemptClip(_ shot: String, attempt: Int) -> String { "attempts/\(shot)-\(attempt).mp4" }

    /// The folders a run writes files in (made by `init`): the report adds `inputs` (copies of local input images)
    /// and `previews` (H.264 copies of clips browsers cannot play).
    static let folders = ["", "clips", "thumbs", "attempts", "inputs", "previews"]

    /// Where a lone clip of an older run's shot is kept when the shot is made again, relative.
    public func earlierClip(_ shot: String, floor: Int) -> String { "attempts/\(shot)-\(floor)-earlier.mp4" }

    /// Where a clip that failed QA is set aside while it is downloaded a second time (`NAME.first.part`).
    static func setAsidePath(of path: String) -> String { path + ".first.part" }

    /// Every temporary name the run's writers give `relative` while writing it, as absolute paths: a download's
    /// `NAME.part` (`Client.partialPath`), a clip set aside for a second download (`NAME.first.part`), and the
    /// `.NAME.XXXXXXXX.part.EXT` of media, images, reports, timelines and links (`TemporaryPath.beside`). What a
    /// process killed mid-write can leave; `sweepTemporaryFiles` removes every one of them.
    public func temporaryNames(of relative: String) -> [String] {
        let path = absolute(relative)
        return [Client.partialPath(for: URL(fileURLWithPath: path)), Self.setAsidePath(of: path),
                TemporaryPath.beside(path, extension: (path as NSString).pathExtension)]
    }

    /// Whether `name` is a temporary name one of the run's writers uses while writing: `NAME.part` (downloads),
    /// `NAME.first.part` (a clip set aside), `.NAME.XXXXXXXX.part.EXT` and `.NAME.XXXXXXXX.part` (media, images,
    /// reports, links).
    public static func isTemporaryName(_ name: String) -> Bool {
        name.hasSuffix(".part") || (name.hasPrefix(".") && name.contains(".part."))
    }

    /// Deletes the temporary files writers left in the run's folders; returns how many. Only for a run that holds
    /// the folder's lock: then no live writer owns them.
    @discardableResult
    public func sweepTemporaryFiles() -> Int {
        var removed = 0
        for sub in Self.folders {
            let folder = absolute(sub)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where Self.isTemporaryName(name) {
                if (try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))) != nil {
                    removed += 1
                }
            }
        }
        return removed
    }

    /// A temporary name beside `relative` that `sweepTemporaryFiles` recognises (Media's naming).
    func temporary(beside relative: String) -> String {
        let path = absolute(relative)
        return TemporaryPath.beside(path, extension: (path as NSString).pathExtension)
    }

    /// Makes `clips/<shot>.mp4` (relative `link`) the accepted clip `target`: a hard link under a temporary name
    /// renamed into place (a copy where links are not possible), so the edit's name always holds a whole file.
    func publish(_ target: String, as link: String) throws {
        let temporary = temporary(beside: link)
        if Foundation.link(absolute(target), temporary) != 0 {
            try FileManager.default.copyItem(atPath: absolute(target), toPath: temporary)
        }
        guard rename(temporary, absolute(link)) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw StoreError(reason: "\(absolute(link)): cannot put the clip in place: \(reason)")
        }
    }

    /// Writes `data` to `relative` under a temporary name and renames it into place.
    func writeAtomically(_ data: Data, to relative: String) throws {
        let temporary = temporary(beside: relative)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            unlink(temporary)
            throw StoreError(reason: "\(absolute(relative)): cannot write: \((error as NSError).localizedDescription)")
        }
        guard rename(temporary, absolute(relative)) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw StoreError(reason: "\(absolute(relative)): cannot write: \(reason)")
        }
    }
}
