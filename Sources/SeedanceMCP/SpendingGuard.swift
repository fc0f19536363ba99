/// What this server may still spend: a lifetime cap on tokens (`--budget-tokens`), with each run's worst case
/// reserved before its first create and settled to what it billed when it ends.
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

    /// A run ended: its reservation is released and what it billed is counted.
    func settle(reserved tokens: Int, billed: Int) {
        reserved = max(0, reserved - tokens)
        spent += max(0, billed)
    }

    /// Tokens billed with no reservation (a run resumed that only collected tasks already paid for).
    func record(billed: Int) { spent += max(0, billed) }
}
