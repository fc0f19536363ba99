import Pipeline

/// The create gate of one run this server started (`RunConfiguration.createGate`): the runner asks it before each
/// create, first attempts and regenerations alike. A create goes when it stays within what the user agreed to for
/// the call and within the tokens the run holds in the server's budget: its reservation first, then what is left of
/// the budget (drawn and held the same way). Otherwise the run stops with its `budget` ending, the shot left pending
/// for `resume_run`. The tokens held are settled to what the run billed when it ends.
actor SpendingGate: CreateGate {
    private let spending: SpendingGuard
    /// The tokens the user agreed to for the call (its worst case); nil when nothing could be created, so nothing
    /// was asked and no create goes. Creates whose cost cannot be known in advance count 0, as in the estimate the
    /// user saw.
    private var consented: Int?
    /// Tokens this run holds in the server's budget: its reservation, and what it drew beyond it.
    private(set) var held = 0
    /// Estimated tokens of the creates let through that made a task (or may have).
    private(set) var used = 0

    init(spending: SpendingGuard) { self.spending = spending }

    /// The call was agreed to for up to `consented` tokens (nil: not asked), and `reserved` are held in the budget.
    func open(consented: Int?, reserved: Int) {
        self.consented = consented
        held = reserved
    }

    func authorize(shot: String, attempt: Int, estimatedTokens: Int?) async -> CreateAuthorization {
        let tokens = estimatedTokens ?? 0
        guard let consented, used + tokens <= consented else {
            return .refused(consented == nil
                ? "shot \(shot) is to be created and the user was not asked for it (when the call came it could "
                    + "create nothing, or the server's budget had no token left); resume_run asks"
                : "the user agreed to up to \(consented ?? 0) tokens and shot \(shot)'s next create (about \(tokens) "
                    + "tokens) would pass them; resume_run asks again")
        }
        let beyond = used + tokens - held
        if beyond > 0 {
            guard await spending.draw(beyond) else {
                let left = await spending.remaining ?? 0
                return .refused("the server's token budget (--budget-tokens) is used up: shot \(shot)'s next create "
                    + "(about \(tokens) tokens) does not fit in the \(left) left; resume_run continues the run on a "
                    + "server with budget")
            }
            held += beyond
        }
        used += tokens
        return .go
    }

    func giveBack(shot: String, attempt: Int, estimatedTokens: Int?) async {
        used = max(0, used - (estimatedTokens ?? 0))
    }
}
