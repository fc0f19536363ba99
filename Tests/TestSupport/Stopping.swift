/// Runs `body` with `resource`, then awaits `stop(resource)` before returning or rethrowing: a server a test started
/// is down before the test ends. (`defer { Task { await server.stop() } }` only schedules the stop, which may then
/// run while the next test already uses the port, the folder or the CPU, or never run at all when the process exits.)
public func withStopping<Resource, Result>(_ resource: Resource, stop: (Resource) async -> Void,
                                           _ body: (Resource) async throws -> Result) async throws -> Result {
    let result: Result
    do {
        result = try await body(resource)
    } catch {
        await stop(resource)
        throw error
    }
    await stop(resource)
    return result
}
