import Pipeline

/// What a call that opens a run may spend, read from the run's difference: the creates it sends, and the
/// regenerations that may follow, for those creates and for the shots still being made (a clip that fails QA, or a
/// task the service fails, is made again up to `regenerations` times). This is what the user is asked about and what
/// is held in the budget.
struct SpendingOutlook: Sendable, Hashable {
    /// Creates the call sends (new, changed and not yet sent shots) and their estimated tokens.
    var creates: Int
    var createTokens: Int
    /// Shots still being made (a task out at the service, a clip being fetched) and their estimated tokens.
    var unfinished: Int
    var unfinishedTokens: Int
    /// Shots among those whose create's outcome is not recorded: one found never created is sent again, so each
    /// may cost a first create too. Their estimated tokens.
    var unsettled: Int
    var unsettledTokens: Int
    /// Regenerations allowed per shot.
    var regenerations: Int

    init(_ difference: PlanDiff, regenerations: Int) {
        self.regenerations = max(0, regenerations)
        creates = difference.creates
        createTokens = difference.estimatedTokens
        let out = difference.entries.filter { !$0.needsCreate && ($0.state?.isActive ?? false) }
        unfinished = out.count
        unfinishedTokens = out.compactMap(\.estimatedTokens).reduce(0, +)
        let open = out.filter { $0.state == .creating || $0.state == .unknown }
        unsettled = open.count
        unsettledTokens = open.compactMap(\.estimatedTokens).reduce(0, +)
    }

    /// Whether the call may create anything at all (else it is neither asked about nor held in the budget).
    var mayCreate: Bool { creates > 0 || unsettled > 0 || (unfinished > 0 && regenerations > 0) }

    /// The most it may cost: each create and each shot still being made, with all their regenerations.
    var worst: Int {
        (createTokens + unsettledTokens) * (1 + regenerations) + (unfinishedTokens - unsettledTokens) * regenerations
    }

    /// What the call may create, in words, for the question to the user.
    func words(what: String) -> String {
        let shots = "\(unfinished) shot\(unfinished == 1 ? "" : "s") still being made"
        var again = "up to \(regenerations) a shot, when a clip fails QA or the service fails a task"
        if creates > 0 {
            if unfinished > 0 { again += ", counting the \(shots)" }
            return "\(what) will create \(creates) task\(creates == 1 ? "" : "s") at the Seedance API, about "
                + "\(createTokens) tokens; up to \(worst) with regenerations (\(again))"
        }
        return "\(what) creates no new task, but the \(shots) may be made again: up to \(worst) tokens for "
            + "regenerations (\(again))"
    }
}
