import Foundation
import Media
import QA
import SeedanceAPI

extension PipelineRunner {
    /// Downloads, verifies and thumbnails one clip; never throws (a failure is recorded on the shot).
    func process(shotID: String, task: GenerationTask) async {
        defer {
            processing.remove(shotID)
            wake()
        }
        do {
            try await processOrThrow(shotID: shotID, task: task)
            downloadFailures[shotID] = nil
            downloadRetryAt[shotID] = nil
        } catch {
            // Stopped mid-way: the shot stays `downloading`, and resume fetches the clip again. A lost lease: the
            // worker holding the shot now fetches it.
            if Task.isCancelled || ending != nil || error is LeaseLost { return }
            // This machine cannot write (a full disk): fetching again would fail the same way and, after the rounds,
            // give the paid clip up for this run. Stop instead; the shot stays `downloading` for resume.
            if LocalWriteFailure.matches(error) {
                stop(.cannotWrite("\(error)"))
                return
            }
            let count = (downloadFailures[shotID] ?? 0) + 1
            downloadFailures[shotID] = count
            let message = "\(error)"
            logger.warning("processing the clip failed", metadata: ["shot": "\(shotID)", "error": "\(message)"])
            // The task is paid for: keep fetching it, with back-off, before giving up on the shot for this run.
            if count >= max(1, configuration.maxDownloadRounds) {
                downloadFailures[shotID] = nil
                downloadRetryAt[shotID] = nil
                do {
                    try await giveUpDelivery(shotID: shotID, task: task, reason: message)
                } catch {
                    logger.error("recording an undelivered clip failed", metadata: ["shot": "\(shotID)", "error": "\(error)"])
                }
            } else {
                let pause = min(max(configuration.pollInterval, 60), configuration.pollInterval * Double(1 << min(count - 1, 10)))
                downloadRetryAt[shotID] = Date().timeIntervalSince1970 + pause
                observer(.shot(id: shotID, state: .downloading, detail: "retrying after: \(message)"))
            }
        }
    }

    /// Records a paid task whose clip could not be fetched or read: its tokens are counted, the shot fails for this
    /// run, and continuing the run fetches the clip again (`reopenRecoverableShots`).
    private func giveUpDelivery(shotID: String, task: GenerationTask, reason: String) async throws {
        guard let attempt = try await store.attempts(shotID: shotID).last(where: { $0.taskID == task.id }) else { return }
        try await transition(shotID, .undelivered(attempt: attempt.number, reason: reason, tokens: task.usage?.totalTokens),
                             detail: "could not download or check the clip (resume the run to fetch it again): \(reason)")
    }

    private func processOrThrow(shotID: String, task: GenerationTask) async throws {
        guard let shot = shots[shotID], shot.state == .downloading else { return }
        // Read with the poll round that found the task done; nothing else writes this shot's attempts meanwhile.
        var attempts = attemptCache.removeValue(forKey: shotID) ?? []
        if !attempts.contains(where: { $0.taskID == task.id }) { attempts = try await store.attempts(shotID: shotID) }
        guard let attempt = attempts.last(where: { $0.taskID == task.id }) else { return }
        let kept = layout.attemptClip(shotID, attempt: attempt.number)
        let keptPath = layout.absolute(kept)
        try await service.downloadVideo(of: task, to: keptPath)
        shared?.metrics?.downloaded()
        if !attempt.isFor(shot) {
            // The shot changed while this task was out: keep its clip, make the shot again.
            try await transition(shotID, .superseded(attempt: attempt.number, clip: kept, tokens: task.usage?.totalTokens))
            return
        }
        // Marks the end of the download in the shot's history: the report times downloading and checking apart.
        _ = try await transition(shotID, .note(ReportTimings.downloadedNote))
        await acquireCheckSlot()
        defer { releaseCheckSlot() }
        // Downloaded: the state stays `downloading` until the clip is recorded; the detail says the checks began.
        if configuration.verify { observer(.shot(id: shotID, state: .downloading, detail: "checking")) }
        var expectation: Expectation?
        if configuration.verify {
            var body = try await request(of: shot)
            body.seed = attempt.markerSeed
            expectation = try Expectation.fromRequestBody(try JSONEncoder().encode(body), file: "\(shotID) request")
            // A chained shot must continue from the frame it was given: the previous shot's last frame.
            if shot.chained, let frame = previousShot(before: shotID)?.lastFramePath {
                expectation?.startsFrom = layout.absolute(frame)
            }
        }
        var (info, report) = try await inspect(keptPath, expectation)
        if report != nil { shared?.metrics?.checked() }
        if report?.passed == false {
            // Bytes can be damaged in transit with the length intact (a proxy, a CDN serving a stale or short
            // object): only the content shows it. A second download is free and a regeneration is paid, so fetch
            // once more, and check again only if the bytes differ. (`.part`: swept if the process dies here.)
            let first = RunLayout.setAsidePath(of: keptPath)
            try? FileManager.default.removeItem(atPath: first)
            try FileManager.default.moveItem(atPath: keptPath, toPath: first)
            defer { try? FileManager.default.removeItem(atPath: first) }
            try await service.downloadVideo(of: task, to: keptPath)
            if !FileManager.default.contentsEqual(atPath: first, andPath: keptPath) {
                try await transition(shotID, .note("downloaded again after failing QA: the second copy differs "
                    + "(\(Self.fileSize(first)) then \(Self.fileSize(keptPath)) bytes)"))
                (info, report) = try await inspect(keptPath, expectation)
            }
        }
        let poster = layout.poster(shotID), last = layout.lastFrame(shotID), sheet = layout.sheet(shotID)
        let posterPath = layout.absolute(poster), lastPath = layout.absolute(last), sheetPath = layout.absolute(sheet)
        let posterTime = min(1.0, (info.duration ?? 0) / 2)
        try await runOffThePool {
            _ = try writeThumbnail(of: keptPath, at: .seconds(posterTime), to: posterPath,
                                   options: ThumbnailOptions(width: 640))
            _ = try writeThumbnail(of: keptPath, at: .last, to: lastPath)
            _ = try writeContactSheet(of: keptPath, to: sheetPath,
                                      options: ContactSheetOptions(count: 8, columns: 4, tileWidth: 240))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let failed = report?.failures.map(\.name) ?? []
        // The service signs which model made the clip: a manifest naming another model (or a clip changed after
        // signing, still so after the free second download) is not fixed by paying for another task of the same
        // request, so the shot stops here rather than regenerating.
        let provenanceFailure = report?.failures.first { $0.name == QA.provenanceCheckName }
        let failureReason = provenanceFailure.map {
            "QA failed: \(failed.joined(separator: ", ")); not made again (the provenance check failed, which a "
                + "regeneration cannot change): \($0.message)"
        }
        var shotClip: String?
        if failed.isEmpty {
            shotClip = layout.clip(shotID)
            try layout.publish(kept, as: layout.clip(shotID))
        }
        let outcome = ClipOutcome(
            attemptClip: kept, shotClip: shotClip, poster: poster, lastFrame: last, sheet: sheet,
            probe: String(decoding: try encoder.encode(info), as: UTF8.self),
            qa: try report.map { String(decoding: try encoder.encode($0), as: UTF8.self) },
            failedChecks: failed, tokens: task.usage?.totalTokens, failureReason: failureReason)
        let retry = !failed.isEmpty && provenanceFailure == nil && mayRegenerate(shot, attempts)
        try await transition(shotID, .delivered(attempt: attempt.number, outcome, retry: retry),
                             detail: failed.isEmpty ? Self.verifiedDetail(report)
                                 : failureReason ?? "QA failed: \(failed.joined(separator: ", "))")
        if failed.isEmpty { await advanceJoinAhead() }
    }

    /// The shot in the plan just before `shotID` (the one a chained shot starts from), as the creates walk them.
    func previousShot(before shotID: String) -> ShotRecord? {
        var previous: ShotRecord?
        for id in order {
            if id == shotID { return previous }
            if let shot = shots[id], shot.inPlan { previous = shot }
        }
        return nil
    }

    /// `verified`, naming the warnings when there are some (they are kept: only failures are made again).
    static func verifiedDetail(_ report: QAReport?) -> String {
        let warnings = report?.checks.filter { $0.verdict == .warn }.map(\.name) ?? []
        return warnings.isEmpty ? "verified" : "verified, with warnings: \(warnings.joined(separator: ", "))"
    }

    /// Probe and, when `expectation` is given, QA of a downloaded clip (off the cooperative pool).
    private func inspect(_ clipPath: String, _ expectation: Expectation?) async throws -> (MediaInfo, QAReport?) {
        let info = try await runOffThePool { try probe(clipPath) }
        guard let expectation else { return (info, nil) }
        let thresholds = self.thresholds
        var report = try await runOffThePool { try QA.check(clipPath, against: expectation, thresholds: thresholds) }
        // A run always knows the model it asked for, so every delivered clip's Content Credentials are checked
        // against it. No trust anchors: an untrusted signer (the simulator's test certificate) is a warning.
        let (check, facts) = await QA.checkProvenance(of: clipPath, model: expectation.model, tags: info.tags)
        report.add(provenance: check, facts)
        return (info, report)
    }

    static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? -1
    }

    /// Waits for one of `maxConcurrentChecks` slots; every acquire is paired with `releaseCheckSlot`.
    private func acquireCheckSlot() async {
        if checksRunning < max(1, configuration.maxConcurrentChecks) {
            checksRunning += 1
            return
        }
        // The releasing processor hands its slot straight to the first waiter.
        await withCheckedContinuation { checkWaiters.append($0) }
    }

    private func releaseCheckSlot() {
        if checkWaiters.isEmpty { checksRunning -= 1 } else { checkWaiters.removeFirst().resume() }
    }
}
