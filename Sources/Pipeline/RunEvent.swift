/// Progress of a run, for a terminal, a log or `--json` events.
public enum RunEvent: Sendable, Hashable {
    /// The run started: every shot of the edit with the state it starts in, in plan order.
    case started(shots: [ShotStart])
    /// A shot entered a state.
    case shot(id: String, state: ShotState, detail: String?)
    /// A shot's tokens changed: billed over all its attempts, and the estimate of one attempt of its request.
    case tokens(id: String, billed: Int?, estimated: Int?)
    /// Something about the run as a whole.
    case note(String)
    /// The run finished: shots done and failed, creates sent, tokens billed.
    case finished(done: Int, failed: Int, creates: Int, tokens: Int)
}

/// A sink for run events; called from the runner's actor, must not block.
public typealias RunObserver = @Sendable (RunEvent) -> Void

/// A shot as a run starts: its id, state and tokens.
public struct ShotStart: Sendable, Hashable {
    /// The shot id from the plan.
    public var id: String
    /// The state it starts in.
    public var state: ShotState
    /// Tokens billed for it so far (earlier runs included).
    public var tokens: Int?
    /// Tokens one attempt of its request should cost.
    public var estimatedTokens: Int?

    /// Makes a shot's starting point.
    public init(id: String, state: ShotState, tokens: Int? = nil, estimatedTokens: Int? = nil) {
        self.id = id
        self.state = state
        self.tokens = tokens
        self.estimatedTokens = estimatedTokens
    }
}
