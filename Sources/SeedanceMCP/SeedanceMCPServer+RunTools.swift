import Foundation
import MCP
import Pipeline
import SeedanceAPI

/// The tools that make clips: estimate, generate_clip, run_plan, get_run, resume_run, regenerate_shot.
extension SeedanceMCPServer {
    // MARK: estimate

    func estimate(_ arguments: ToolArguments) async throws -> ToolOutput {
        let (plan, planFile) = try planOrClip(arguments)
        // A folder that does not exist: the preview compares the plan with an empty run and writes nothing.
        let scratch = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("seedance-estimate-\(UUID().uuidString)")
        let difference = try await PipelineRunner.preview(plan: plan, planFile: planFile, directory: scratch)
        let shots: [Value] = difference.entries.map {
            ["id": .string($0.id), "creates": .bool($0.needsCreate),
             "estimated_tokens": $0.estimatedTokens.map { .int($0) } ?? .null]
        }
        return ToolOutput(structured: ["creates": .int(difference.creates),
                                       "estimated_tokens": .int(difference.estimatedTokens),
                                       "shots": .array(shots), "sent": false],
                          text: "\(difference.creates) task\(difference.creates == 1 ? "" : "s") to create, about "
                            + "\(difference.estimatedTokens) tokens; nothing was sent.")
    }

    // MARK: generate_clip

    func generateClip(_ arguments: ToolArguments, meta: Metadata?) async throws -> ToolOutput {
        let plan = try clipPlan(arguments)
        let planFile = FileManager.default.currentDirectoryPath + "/(generate_clip)"
        let runID = try newRunID(arguments, base: "clip")
        let directory = runFolder(runID)
        var run = runConfiguration(directory, regenerations: try regenerations(arguments))
        run.concatenate = false
        let job = try await launch(runID: runID, directory: directory, arguments: arguments,
                                   run: run, what: "generate_clip") { run, observer in
            try await PipelineRunner(plan: plan, planFile: planFile, configuration: run,
                                     service: ClientService(client: client), logger: logger, observer: observer)
        }
        let summary = try await follow(job, progressToken: meta?.progressToken)
        // A cancelled call gets no answer (the protocol's rule); the run has recorded its state by now.
        try Task.checkCancellation()
        return try await clipOutput(runID: runID, directory: directory, summary: summary)
    }

    /// Sends the job's events as progress notifications until it ends; a cancelled call stops the run (it records
    /// its state; `resume_run` collects what is at the service) instead of abandoning it.
    func follow(_ job: RunJob, progressToken: ProgressToken?) async throws -> RunSummary {
        let events = job.relay.listen()
        let runner = job.runner
        return try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: RunSummary?.self) { group in
                group.addTask { [self] in
                    var step = 0.0
                    for await event in events {
                        guard let progressToken, let message = Self.words(event, runID: job.runID) else { continue }
                        step += 1
                        try? await server?.notify(ProgressNotification.message(
                            .init(progressToken: progressToken, progress: step, message: message)))
                    }
                    return nil
                }
                group.addTask { try await job.task.value }
                var summary: RunSummary?
                for try await result in group where result != nil {
                    summary = result
                    job.relay.finish()
                }
                guard let summary else { throw ToolError("the run ended without a summary") }
                return summary
            }
        } onCancel: {
            // The run is not the call's child: asking it to stop lets it drain its creates and record them.
            Task { await runner.stop(.interrupted) }
        }
    }

    func clipOutput(runID: String, directory: String, summary: RunSummary) async throws -> ToolOutput {
        let report = try await ReportWriter.forRun(directory: directory).report()
        guard let shot = report.shots.first(where: { $0.id == Plan.oneShotID }) else {
            throw ToolError("run \(runID): the run has no shot \(Plan.oneShotID)")
        }
        var structured: [String: Value] = [
            "run_id": .string(runID), "run_folder": .string(directory), "state": .string(shot.state),
            "clip": shot.clip.map { .string((directory as NSString).appendingPathComponent($0)) } ?? .null,
            "poster": shot.poster.map { .string((directory as NSString).appendingPathComponent($0)) } ?? .null,
            "task_id": shot.taskID.map { .string($0) } ?? .null,
            "tokens": .int(summary.tokens), "ending": .string(Self.words(summary.ending)),
            "report": .string((directory as NSString).appendingPathComponent(report.reportHTMLName)),
            "error": shot.error.map { .string($0) } ?? .null,
        ]
        var text: String
        if let qa = shot.qa {
            structured["qa"] = try Self.qaSummary(qa)
            text = Self.qaText(qa)
        } else {
            structured["qa"] = .null
            text = "no QA report"
        }
        if let clip = structured["clip"]?.stringValue, shot.state == "done" {
            text = "clip \(clip) (task \(shot.taskID ?? "?"), \(summary.tokens) tokens). " + text
        } else {
            let error = shot.error.map { ": \($0)" } ?? ""
            text = "run \(runID) \(Self.words(summary.ending)); shot \(shot.state)\(error). "
                + text
        }
        return ToolOutput(structured: structured, text: text)
    }

    // MARK: run_plan, resume_run, regenerate_shot

    func runPlan(_ arguments: ToolArguments) async throws -> ToolOutput {
        guard arguments.has("plan_file") || arguments.has("plan") else {
            throw ToolError("plan_file or plan: give a plan file or an inline plan")
        }
        let (plan, planFile) = try planOrClip(arguments)
        let runID = try newRunID(arguments, base: planFile)
        let directory = runFolder(runID)
        let run = runConfiguration(directory, regenerations: try regenerations(arguments))
        let job = try await launch(runID: runID, directory: directory, arguments: arguments,
                                   run: run, what: "run_plan") { run, observer in
            try await PipelineRunner(plan: plan, planFile: planFile, configuration: run,
                                     service: ClientService(client: client), logger: logger, observer: observer)
        }
        return started(job, verb: "started")
    }

    func resumeRun(_ arguments: ToolArguments) async throws -> ToolOutput {
        let runID = try existingRunID(arguments)
        let directory = runFolder(runID)
        let retryFailed = try arguments.bool("retry_failed") ?? false
        let run = runConfiguration(directory, regenerations: configuration.run.maxRegenerations)
        await jobs.waitUntilIdle(runID)
        let job = try await launch(runID: runID, directory: directory, arguments: arguments,
                                   run: run, what: "resume_run") { run, observer in
            try await PipelineRunner.resume(directory: directory, configuration: run,
                                            service: ClientService(client: client), logger: logger, observer: observer,
                                            retryFailed: retryFailed)
        }
        return started(job, verb: "resumed")
    }

    func regenerateShot(_ arguments: ToolArguments) async throws -> ToolOutput {
        let runID = try existingRunID(arguments)
        let directory = runFolder(runID)
        let shots = try arguments.strings("shots")
        guard !shots.isEmpty else { throw ToolError("shots: name at least one shot to make again") }
        let prompt = try arguments.string("prompt")
        let seed = try arguments.int("seed").map(Int64.init)
        if let seed, !(0...4_294_967_295).contains(seed) { throw ToolError("seed: must be within 0 ... 4294967295") }
        let reason = try arguments.string("reason") ?? "asked again"
        let run = runConfiguration(directory, regenerations: configuration.run.maxRegenerations)
        await jobs.waitUntilIdle(runID)
        let job = try await launch(runID: runID, directory: directory, arguments: arguments,
                                   run: run, what: "regenerate_shot") { run, observer in
            try await PipelineRunner.regenerate(directory: directory, shots: shots, prompt: prompt, seed: seed,
                                                reason: reason, configuration: run,
                                                service: ClientService(client: client), logger: logger,
                                                observer: observer)
        }
        return started(job, verb: "regenerating in")
    }

    func started(_ job: RunJob, verb: String) -> ToolOutput {
        let outlook = job.outlook
        var spend = "\(outlook.creates) to create, about \(outlook.createTokens) tokens"
        if outlook.mayCreate {
            spend += "; up to \(outlook.worst) tokens with regenerations, \(job.reserved) of them held in the budget"
        }
        return ToolOutput(structured: ["run_id": .string(job.runID), "run_folder": .string(job.directory),
                                       "creates": .int(outlook.creates),
                                       "estimated_tokens": .int(outlook.createTokens),
                                       "worst_case_tokens": .int(outlook.mayCreate ? outlook.worst : 0),
                                       "reserved_tokens": .int(job.reserved)],
                          text: "\(verb) run \(job.runID) (\(spend)); it goes on in the server: get_run tells its "
                              + "state.")
    }

    // MARK: get_run

    func getRun(_ arguments: ToolArguments) async throws -> ToolOutput {
        let runID = try existingRunID(arguments)
        let directory = runFolder(runID)
        let report = try await ReportWriter.forRun(directory: directory).report()
        let running = await jobs.job(runID) != nil
        let ending = await jobs.ending(runID)
        let shots: [Value] = try report.shots.filter(\.inEdit).map { shot in
            [
                "id": .string(shot.id), "state": .string(shot.state),
                "task_id": shot.taskID.map { .string($0) } ?? .null,
                "clip": shot.clip.map { .string((directory as NSString).appendingPathComponent($0)) } ?? .null,
                "qa_passed": shot.qaPassed.map { .bool($0) } ?? .null,
                "qa_failures": .array((shot.qa?.failures ?? []).map { .string($0.name) }),
                "tokens": shot.tokens.map { .int($0) } ?? .null,
                "attempts": .int(shot.attempts.count),
                "error": shot.error.map { .string($0) } ?? .null,
                "qa": try shot.qa.map { try Self.qaSummary($0) } ?? .null,
            ]
        }
        let html = (directory as NSString).appendingPathComponent(report.reportHTMLName)
        let finalVideo = report.final.map { (directory as NSString).appendingPathComponent($0.path) }
        let counts = Dictionary(grouping: report.shots.filter(\.inEdit), by: \.state).mapValues(\.count)
        let structured: [String: Value] = [
            "run_id": .string(runID), "run_folder": .string(directory), "running": .bool(running),
            "ending": ending.map { .string($0) } ?? .null,
            "shots": .array(shots),
            "done": .int(report.totals.done), "failed": .int(report.totals.failed),
            "tokens": .int(report.totals.tokens),
            "report": FileManager.default.fileExists(atPath: html) ? .string(html) : .null,
            "final_video": finalVideo.map { .string($0) } ?? .null,
            "final_passed": report.final.map { .bool($0.passed) } ?? .null,
        ]
        let states = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        var text = "run \(runID): \(states)\(running ? " (going on)" : "")"
        if let finalVideo { text += "; final video \(finalVideo)" }
        return ToolOutput(structured: structured, text: text + ".")
    }

    // MARK: the shared path: confirm, reserve, start

    /// Opens a runner with a `SpendingGate` in its configuration, asks the user (or checks `confirm`) and reserves
    /// the run's worst case in the budget when it may create anything (creates, or regenerations of shots still
    /// being made), then starts it as a job. Nothing is created before both pass, and every create of the run,
    /// regenerations included, answers to the gate.
    func launch(runID: String, directory: String, arguments: ToolArguments, run: RunConfiguration, what: String,
                open: (RunConfiguration, @escaping RunObserver) async throws -> PipelineRunner) async throws -> RunJob {
        guard configuration.client.apiKey != nil else {
            throw ToolError("no API key: start the server with SEEDANCE_API_KEY (or ARK_API_KEY) in its environment")
        }
        if await jobs.job(runID) != nil { throw ToolError("run_id: run \(runID) is going on; get_run tells its state") }
        let relay = ProgressRelay()
        let gate = SpendingGate(spending: spending)
        var run = run
        run.createGate = gate
        let existed = FileManager.default.fileExists(atPath: directory)
        let runner: PipelineRunner
        let outlook: SpendingOutlook
        do {
            (runner, outlook) = try await openConfirmed(open: { try await open(run, $0) }, observer: relay.observer,
                                                        gate: gate, regenerations: run.maxRegenerations, what: what,
                                                        arguments: arguments)
        } catch {
            // A refused call leaves nothing behind: the folder it opened (and its empty store) goes, so the root
            // holds only runs that were started. The runner it opened is released by now, and its lock with it.
            if !existed { try? FileManager.default.removeItem(atPath: directory) }
            throw error
        }
        let spending = self.spending
        return try await jobs.start(runID: runID, directory: directory, runner: runner, relay: relay,
                                    outlook: outlook, reserved: await gate.held) { result in
            let billed = ((try? result.get())?.tokens ?? relay.tokensBefore) - relay.tokensBefore
            await spending.settle(reserved: await gate.held, billed: billed)
        }
    }

    /// Opens the runner, then, when it may create anything, asks (or checks `confirm`) and reserves its worst case:
    /// all of it when the call sends creates (refused when it does not fit), else what is left of the budget up to
    /// it (collecting what is paid for costs nothing; a regeneration past the reservation stops the run). Opens the
    /// gate on what was agreed and reserved; throwing here sends nothing.
    private func openConfirmed(open: (@escaping RunObserver) async throws -> PipelineRunner,
                               observer: @escaping RunObserver, gate: SpendingGate, regenerations: Int, what: String,
                               arguments: ToolArguments) async throws -> (PipelineRunner, SpendingOutlook) {
        let runner = try await open(observer)
        let outlook = SpendingOutlook(runner.difference, regenerations: regenerations)
        // Nothing to create, or only regenerations and no token left for one: nothing to ask about.
        let remaining = await spending.remaining
        guard outlook.mayCreate, outlook.creates > 0 || (remaining ?? 1) > 0 else {
            await gate.open(consented: nil, reserved: 0)
            return (runner, outlook)
        }
        try await confirmSpending(outlook, what: what, arguments: arguments)
        let reserved: Int
        if outlook.creates > 0 {
            try await spending.reserve(outlook.worst, what: what)
            reserved = outlook.worst
        } else {
            reserved = await spending.reserveAvailable(outlook.worst)
        }
        await gate.open(consented: outlook.worst, reserved: reserved)
        return (runner, outlook)
    }

    /// Asks the user through the client (elicitation) with the estimate, or, for a client that cannot ask,
    /// requires `confirm: true`.
    func confirmSpending(_ outlook: SpendingOutlook, what: String, arguments: ToolArguments) async throws {
        var message = outlook.words(what: what)
        if let remaining = await spending.remaining {
            message += "; \(remaining) tokens are left in this server's budget"
            if outlook.creates == 0, remaining < outlook.worst {
                message += " (a regeneration past them is not made: the run stops, and resume_run continues it)"
            }
        }
        if clientElicits, let server {
            let schema = Elicitation.RequestSchema(
                title: "Spend tokens on Seedance?", description: message,
                properties: ["confirm": ["type": "boolean", "description": "Go ahead and create the tasks."]],
                required: ["confirm"])
            let answer = try await server.requestElicitation(message: message + ". Go ahead?", requestedSchema: schema)
            guard answer.action == .accept, answer.content?["confirm"]?.boolValue ?? true else {
                throw ToolError("the user did not agree to spend (\(message)); nothing was sent")
            }
            return
        }
        guard try arguments.bool("confirm") == true else {
            throw ToolError("confirm: \(message); ask the user, then call again with confirm: true (nothing was sent)")
        }
    }

    // MARK: helpers

    func runConfiguration(_ directory: String, regenerations: Int) -> RunConfiguration {
        var run = configuration.run
        run.outputDirectory = directory
        run.maxRegenerations = regenerations
        return run
    }

    /// The call's `regenerations`, else the server's (`--regenerations`), so one setting holds for every tool.
    func regenerations(_ arguments: ToolArguments) throws -> Int {
        let count = try arguments.int("regenerations") ?? configuration.run.maxRegenerations
        guard (0...10).contains(count) else { throw ToolError("regenerations: must be within 0 ... 10") }
        return count
    }

    func runFolder(_ runID: String) -> String { (configuration.root as NSString).appendingPathComponent(runID) }

    func newRunID(_ arguments: ToolArguments, base: String) throws -> String {
        guard let runID = try arguments.string("run_id") else { return RunName.make(planFile: base) }
        guard RunName.isValid(runID) else {
            throw ToolError("run_id: \"\(runID)\" cannot name a run (letters, digits, - _ . only)")
        }
        return runID
    }

    func existingRunID(_ arguments: ToolArguments) throws -> String {
        let runID = try arguments.requiredString("run_id")
        guard RunName.isValid(runID),
              FileManager.default.fileExists(
                  atPath: (runFolder(runID) as NSString).appendingPathComponent("state.sqlite"))
        else { throw ToolError("run_id: no run \"\(runID)\" under \(configuration.root)") }
        return runID
    }

    /// The plan of the call: `plan_file`, `plan` (inline YAML or JSON) or a clip's parameters.
    func planOrClip(_ arguments: ToolArguments) throws -> (Plan, String) {
        if let file = try arguments.string("plan_file") {
            _ = try existingFile(file, field: "plan_file")
            return (try PlanLoader.load(path: file), file)
        }
        if let text = try arguments.string("plan") {
            let planFile = FileManager.default.currentDirectoryPath + "/(inline plan)"
            return (try PlanLoader.parse(text, file: planFile), planFile)
        }
        return (try clipPlan(arguments), FileManager.default.currentDirectoryPath + "/(generate_clip)")
    }

    /// The one-shot plan of a clip's parameters.
    func clipPlan(_ arguments: ToolArguments) throws -> Plan {
        let prompt = try arguments.requiredString("prompt")
        let references = try arguments.objects("images").enumerated().map { index, image -> PlanReference in
            guard let source = image["source"]?.stringValue, !source.isEmpty else {
                throw ToolError("images[\(index)].source: give the image's path or URL")
            }
            let role = image["role"]?.stringValue
            if let role, !PlanReference.imageRoles.contains(role) {
                throw ToolError("images[\(index)].role: \"\(role)\" is not first_frame, last_frame or reference_image")
            }
            return PlanReference(kind: .image, source: source, role: role)
        }
        let seed = try arguments.int("seed").map(Int64.init)
        let settings = ShotSettings(model: try arguments.string("model") ?? configuration.client.model,
                                    resolution: try arguments.string("resolution") ?? "720p",
                                    ratio: try arguments.string("ratio") ?? "16:9",
                                    duration: try arguments.int("duration") ?? 5,
                                    audio: try arguments.bool("audio") ?? true,
                                    watermark: try arguments.bool("watermark") ?? false, seed: seed,
                                    cameraFixed: try arguments.bool("camera_fixed"),
                                    returnLastFrame: try arguments.bool("return_last_frame"),
                                    serviceTier: try arguments.string("service_tier"),
                                    draft: try arguments.bool("draft"))
        return Plan.oneShot(prompt: prompt, references: references, settings: settings)
    }

    /// A run event in words for a progress notification (nil: not worth one).
    static func words(_ event: RunEvent, runID: String) -> String? {
        switch event {
        case .shot(let id, let state, let detail):
            "run \(runID): \(id) \(state.rawValue)\(detail.map { " (\($0))" } ?? "")"
        case .finished(let done, let failed, _, let tokens):
            "run \(runID): \(done) done, \(failed) failed, \(tokens) tokens"
        case .note(let text): "run \(runID): \(text)"
        case .started, .tokens: nil
        }
    }

    /// How a run ended, in words.
    static func words(_ ending: RunEnding) -> String {
        switch ending {
        case .finished: "finished"
        case .interrupted: "stopped (resume_run continues it)"
        case .unreachable(let message):
            "stopped: the service could not be reached (\(message)); resume_run continues it"
        case .unauthorized(let message): "stopped: the service refused the API key (\(message))"
        case .timeLimit(let limit): "stopped at its time limit of \(Int(limit)) s"
        case .budget(let message): "stopped: \(message)"
        case .cannotWrite(let message): "stopped: \(message)"
        }
    }
}

extension RunReport {
    /// The report page's name in the run folder.
    var reportHTMLName: String { "report.html" }
}
