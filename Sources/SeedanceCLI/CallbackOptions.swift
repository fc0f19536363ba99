import ArgumentParser
import Foundation
import Logging
import Pipeline

/// `--callback-url URL --listen HOST:PORT`: the run listens for the service's callbacks and polls only as a safety
/// net (see docs/callbacks.md).
struct CallbackOptions: ParsableArguments {
    @Option(name: .customLong("callback-url"),
            help: ArgumentHelp("The public http(s) URL that reaches --listen (through a reverse proxy or tunnel); each "
                               + "task is told URL/SECRET, a secret made for this run. Needs --listen.",
                               valueName: "url"))
    var callbackURL: String?

    @Option(name: .customLong("listen"),
            help: ArgumentHelp("Listen for callbacks on HOST:PORT (port 0 picks a free one). Alone, the service is "
                               + "told http://HOST:PORT/SECRET, which only a service that can reach this machine "
                               + "directly can call.", valueName: "host:port"))
    var listen: String?

    @Option(help: ArgumentHelp("With callbacks: seconds between the polls that finish the run if callbacks are lost "
                               + "or never come.", valueName: "seconds"))
    var safetyPollInterval: Double = 60

    func validate() throws {
        if let callbackURL {
            guard listen != nil else {
                throw ValidationError("--callback-url needs --listen HOST:PORT, the address the callback receiver binds")
            }
            guard let url = URL(string: callbackURL), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host?.isEmpty == false,
                  url.query == nil, url.fragment == nil else {
                throw ValidationError("--callback-url: \"\(callbackURL)\" is not an http(s) URL without query or fragment")
            }
        }
        if let listen {
            let (host, _) = try MetricsEndpoint.parse(listen, option: "--listen")
            if callbackURL == nil, ["0.0.0.0", "::", ""].contains(host) {
                throw ValidationError("--listen \(listen) binds every interface: name the public address with "
                                      + "--callback-url URL")
            }
        }
        guard safetyPollInterval > 0, safetyPollInterval.isFinite else {
            throw ValidationError("--safety-poll-interval must be a positive number of seconds")
        }
    }

    /// Whether the run listens for callbacks.
    var enabled: Bool { listen != nil }

    /// A fresh inbox (a new secret) for a run, with the public URL when one was given; nil without callbacks.
    func inbox() -> CallbackInbox? {
        guard enabled else { return nil }
        let inbox = CallbackInbox()
        if let callbackURL { inbox.setPublicURL(callbackURL) }
        return inbox
    }

    /// Runs `body` with the receiver on --listen beside it (just `body` without callbacks), putting hints in
    /// `inbox`, or in `sink` when given (the shared store of a run several workers share; `inbox` then only holds
    /// the public URL). A port that cannot be bound is bad input naming --listen; `body`'s own errors pass through
    /// as they are.
    func serving<T: Sendable>(_ given: CallbackInbox?, sink: (any CallbackSink)? = nil, logger: Logger, json: Bool,
                              _ body: @Sendable () async throws -> T) async throws -> T {
        guard let inbox = given?.root, let listen else { return try await body() }
        let (host, port) = try MetricsEndpoint.parse(listen, option: "--listen")
        let receiver = CallbackReceiver(sink: sink ?? inbox, host: host, port: port, logger: logger)
        do {
            return try await receiver.serving { bound in
                if inbox.callbackURL == nil {
                    let shown = host.contains(":") ? "[\(host)]" : host
                    inbox.setPublicURL("http://\(shown):\(bound)")
                }
                if !json {
                    // The secret stays out of the terminal (scrollback, screen shares): only its first digits.
                    let called = sink == nil ? inbox.redactedURL ?? "" : "\(inbox.publicURL ?? "")/RUN/SECRET"
                    StandardError.write("listening for callbacks on \(host):\(bound); tasks call \(called)\n")
                }
                do { return try await body() } catch { throw BodyFailure(error: error) }
            }
        } catch let failure as BodyFailure {
            throw failure.error
        } catch {
            throw CommandFailure(.badInput, "--listen \(listen): cannot listen for callbacks: \(error)")
        }
    }

    /// An error of the work done while the receiver served, told apart from the receiver's own.
    private struct BodyFailure: Error { let error: any Error }
}
