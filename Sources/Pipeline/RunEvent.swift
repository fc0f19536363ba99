/// Progress of a run, for a terminal, a log or `--json` events.
public enum RunEvent: Sendable, Hashable {
    /// A shot entered a state.
    case shot(id: String, state: ShotState, detail: String?)
    /// Something about the run as a whole.
    case note(String)
    /// The run finished: shots done and failed, creates sent, tokens billed.
    case finished(done: Int, failed: Int, creates: Int, tokens: Int)
}

/// A sink for run events; called from the runner's actor, must not block.
public typealias RunObserver = @Sendable (RunEvent) -> Void
