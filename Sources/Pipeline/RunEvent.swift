/// Progress of a run, for a terminal, a log or `--json` events.
public enum RunEvent: Sendable, Hashable {
    /// The run started: every shot of the edit with the state it starts in, in plan order.
    case started(shots: [ShotStart])
    /// A shot entered a state.
    case shot(id: String, state: ShotState, detail: String?)
    /// Something about the run as a whole.
    case note(String)
    /// The run finished: shots done and failed, creates sent, tokens billed.
    case finished(done: Int, failed: Int, creates: Int, tokens: Int)
}

/// A sink for run events; called from the runner's actor, must not block.
public typealias RunObserver = @Sendable (RunEvent) -> Void

/// A shot as a run starts: its id and state.
public struct ShotStart: Sendable, Hashable {
    public var id: String
    public var state: ShotState
}
