import SeedanceAPI
import Testing

/// The retry rules as a pure function: the paid create is repeated only when it surely was not accepted.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 4, baseDelay: 1, maxDelay: 5, jitter: 0.2, maxRetryAfter: 60)

    @Test func createIsRetriedOnlyWhenSurelyNotAccepted() {
        let sure: [AttemptOutcome] = [.notConnected, .answered(status: 429, code: "RateLimitExceeded.EndpointRPMExceeded", retryAfter: nil),
                                      .answered(status: 503, code: nil, retryAfter: nil),
                                      .answered(status: 429, code: "ServerOverloaded", retryAfter: nil)]
        for outcome in sure {
            guard case .retry = policy.decide(.create, outcome, attempt: 1, random: 0.5) else {
                Issue.record("create should retry after \(outcome)")
                continue
            }
        }
        // Doubt after sending: never a blind resubmit.
        for outcome: AttemptOutcome in [.noAnswer, .answered(status: 500, code: "InternalServiceError", retryAfter: nil),
                                        .answered(status: 502, code: nil, retryAfter: nil),
                                        .answered(status: 504, code: nil, retryAfter: nil)] {
            #expect(policy.decide(.create, outcome, attempt: 1, random: 0.5) == .unknownOutcome)
        }
        // Definite refusals fail at once.
        for status in [400, 401, 403, 404] {
            #expect(policy.decide(.create, .answered(status: status, code: nil, retryAfter: nil), attempt: 1,
                                  random: 0.5) == .fail)
        }
        // Out of attempts: fail (nothing was created, so not unknown).
        #expect(policy.decide(.create, .notConnected, attempt: 4, random: 0.5) == .fail)
    }

    @Test func readsAndDownloadsRetryTransientFailures() {
        for call: CallKind in [.read, .download] {
            for outcome: AttemptOutcome in [.notConnected, .noAnswer, .answered(status: 500, code: nil, retryAfter: nil),
                                            .answered(status: 429, code: nil, retryAfter: nil),
                                            .answered(status: 408, code: nil, retryAfter: nil)] {
                #expect(policy.decide(call, outcome, attempt: 1, random: 0.5) == .retry(after: 1))
            }
            #expect(policy.decide(call, .answered(status: 404, code: nil, retryAfter: nil), attempt: 1, random: 0.5) == .fail)
            #expect(policy.decide(call, .noAnswer, attempt: 4, random: 0.5) == .fail)
        }
    }

    @Test func backoffIsExponentialCappedAndJittered() {
        #expect(policy.delay(afterAttempt: 1, random: 0.5) == 1)
        #expect(policy.delay(afterAttempt: 2, random: 0.5) == 2)
        #expect(policy.delay(afterAttempt: 3, random: 0.5) == 4)
        #expect(policy.delay(afterAttempt: 4, random: 0.5) == 5)      // capped
        #expect(policy.delay(afterAttempt: 9, random: 0.5) == 5)
        #expect(abs(policy.delay(afterAttempt: 2, random: 0) - 1.6) < 1e-9)   // -20 %
        #expect(abs(policy.delay(afterAttempt: 2, random: 1) - 2.4) < 1e-9)   // +20 %
    }

    @Test func retryAfterWinsOverShorterBackoffButIsCapped() {
        #expect(policy.decide(.read, .answered(status: 429, code: nil, retryAfter: 7), attempt: 1, random: 0.5)
            == .retry(after: 7))
        #expect(policy.delay(afterAttempt: 3, retryAfter: 0.5, random: 0.5) == 4)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 3600, random: 0.5) == 60)
    }

    @Test func retriesAreCutToWhatFitsInACallersTimeout() {
        let policy = RetryPolicy()
        // 1 + 2 + 4 + 8 s: all five attempts fit in 15 s (the default offline timeout, 120 s, changes nothing).
        #expect(policy.fitting(within: 120) == policy)
        #expect(policy.fitting(within: 15).maxAttempts == 5)
        #expect(policy.fitting(within: 14.9).maxAttempts == 4)
        #expect(policy.fitting(within: 3).maxAttempts == 3)
        #expect(policy.fitting(within: 0.5).maxAttempts == 1)
        // Fewer attempts: a not-connected read now fails after the third.
        let short = policy.fitting(within: 3)
        #expect(short.decide(.read, .notConnected, attempt: 2, random: 0.5) == .retry(after: 2))
        #expect(short.decide(.read, .notConnected, attempt: 3, random: 0.5) == .fail)
        #expect(RetryPolicy(maxAttempts: 2).fitting(within: 120).maxAttempts == 2)
    }

    @Test func pollScheduleGrowsToItsCap() {
        let schedule = PollSchedule(initialInterval: 5, maxInterval: 20, growth: 1.5, jitter: 0.2)
        #expect(schedule.interval(afterPoll: 1, random: 0.5) == 5)
        #expect(schedule.interval(afterPoll: 2, random: 0.5) == 7.5)
        #expect(schedule.interval(afterPoll: 10, random: 0.5) == 20)
        #expect(abs(schedule.interval(afterPoll: 1, random: 0) - 4) < 1e-9)
    }
}
