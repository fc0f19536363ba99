/// What this server may still spend: a lifetime cap on tokens (`--budget-tokens`), with each run's worst case
/// reserved before its first create (more drawn by its `SpendingGate` when a create needs it) and settled to what it
/// billed when it ends.
actor SpendingGuard {
    /// The cap (nil: none).
    let limit: Int?
    /// Tokens billed by runs that ended.
    private(set) var spent = 0
    /// Tokens held for runs going on.
    private(set) var reserved = 0

    init(limit: Int?) { self.limit = limit }

    /// Tokens left (nil: no cap).
    var remaining: Int? { limit.map { max(0, $0 - spent - reserved) } }

    /// Holds `tokens` for a run, or refuses when they do not fit in what is left (before any create is sent).
    func reserve(_ tokens: Int, what: String) throws {
        guard let remaining, tokens > remaining else {
            reserved += tokens
            return
        }
        throw ToolError("over budget: \(what) may cost up to \(tokens) tokens but this server has \(remaining) of its "
            + "\(limit ?? 0) left (--budget-tokens); nothing was sent")
    }

    /// Holds `tokens` more for a run going on when they fit in what is left (a create past its reservation);
    /// false when they do not.
    func draw(_ tokens: Int) -> Bool {
        if let remaining, tokens > remaining { return false }
        reserved += tokens
        return true
    }

    /// Holds what is left of the budget, up to `tokens`, for a run going on, and returns what it held (`tokens`
    /// when there is no cap).
    func reserveAvailable(_ tokens: Int) -> Int {
        let held = min(tokens, remaining ?? tokens)
        reserved += held
        return held
    }

    /// A run ended: its reservation is released and what it billed is counted.
    func settle(reserved tokens: Int, billed: Int) {
        reserved = max(0, reserved - tokens)
        spent += max(0, billed)
    }
}
