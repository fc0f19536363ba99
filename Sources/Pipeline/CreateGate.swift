/// What a `CreateGate` says about one create.
public enum CreateAuthorization: Sendable, Hashable {
    /// Send it.
    case go
    /// Do not send it, for this reason (in words, e.g. "the server's token budget is used up"): the run starts no
    /// create any more and ends with `RunEnding.budget(reason)`; `resume` continues it.
    case refused(String)
}

/// Consulted by the runner right before it records and sends each create, the first attempt of a shot and every
/// regeneration alike: what spends money answers to it, wherever the create comes from. A refused create sends
/// nothing and leaves its shot pending, so a later `resume` (with a gate that allows it) makes it.
public protocol CreateGate: Sendable {
    /// Whether the create of `shot`'s attempt `attempt`, about `estimatedTokens` tokens (nil: its cost cannot be
    /// known in advance), may be sent now. A gate that says `go` counts the tokens as spoken for.
    func authorize(shot: String, attempt: Int, estimatedTokens: Int?) async -> CreateAuthorization

    /// A create this gate let through made no task (turned away, refused, found never created, or not recorded):
    /// nothing was billed for it, and its tokens are free again.
    func giveBack(shot: String, attempt: Int, estimatedTokens: Int?) async
}

extension CreateGate {
    /// A gate that counts nothing has nothing to give back.
    public func giveBack(shot: String, attempt: Int, estimatedTokens: Int?) async {}
}
