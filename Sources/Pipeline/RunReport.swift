import Foundation
import Media
import QA

/// `report.json`: the whole run as data.
public struct RunReport: Sendable, Codable {
    /// Run totals.
    public struct Totals: Sendable, Codable {
        public var shots: Int
        public var done: Int
        public var failed: Int
        /// Create calls that made (or may have made) a task, regenerations included.
        public var creates: Int
        /// Create calls of every kind (refused and not-accepted ones too).
        public var attempts: Int
        public var tokens: Int
        public var estimatedTokens: Int
        public var wallSeconds: Double?
        /// Of `tokens`, those billed to the attempts whose clips are the shots' clips now.
        public var acceptedTokens: Int?
        /// Of `tokens`, those billed to every other attempt: regenerations after failed QA or a failed task, and
        /// attempts superseded or undelivered. `acceptedTokens + retryTokens == tokens`.
        public var retryTokens: Int?
        /// The same figures in money, one entry per currency, counting only tokens of priced models.
        public var money: [MoneyTotals]?
        /// Billed tokens of models with no price known (not in `money`).
        public var unpricedTokens: Int?

        enum CodingKeys: String, CodingKey {
            case shots, done, failed, creates, attempts, tokens, money
            case estimatedTokens = "estimated_tokens", wallSeconds = "wall_seconds"
            case acceptedTokens = "accepted_tokens", retryTokens = "retry_tokens", unpricedTokens = "unpriced_tokens"
        }
    }

    /// Money totals in one currency (tokens times each model's price per million).
    public struct MoneyTotals: Sendable, Codable, Hashable {
        /// The currency as the prices name it (nil: prices given without one).
        public var currency: String?
        /// What the edit should cost made once (`estimated_tokens` priced).
        public var estimated: Double
        /// What was billed, every attempt.
        public var billed: Double
        /// Billed for the clips in use.
        public var accepted: Double
        /// Billed for the other attempts (`retry_tokens` priced).
        public var retries: Double
    }

    /// Seconds an attempt spent in each phase, from the job store's timestamps (nil: the phase was not seen; a
    /// task that finished between two polls is never seen running, so its queue time counts as generating).
    public struct Timings: Sendable, Codable, Hashable {
        /// From the create call to the first poll that saw the task running.
        public var queued: Double?
        /// Running at the service, until the poll that saw it succeed.
        public var generating: Double?
        /// Fetching the clip.
        public var downloading: Double?
        /// Probing, the QA checks and the thumbnails.
        public var checking: Double?
        /// From the create call to the attempt's end.
        public var total: Double?
    }

    /// One create call.
    public struct Attempt: Sendable, Codable {
        public var number: Int
        public var reason: String
        public var state: String
        public var taskID: String?
        public var seed: Int64
        public var submittedAt: Double
        public var finishedAt: Double?
        public var tokens: Int?
        public var error: String?
        /// Where its clip is kept, when it was downloaded.
        public var clip: String?
        /// The clip's video codec (`h264`, `hevc`), when the clip is there.
        public var codec: String?
        /// A small H.264 copy for browsers, beside a clip they cannot play (HEVC).
        public var preview: String?
        /// Time in each phase.
        public var timings: Timings?
        /// `tokens` at the model's price, when one is known.
        public var cost: Double?

        enum CodingKeys: String, CodingKey {
            case number, reason, state, seed, tokens, error, clip, codec, preview, timings, cost
            case taskID = "task_id", submittedAt = "submitted_at", finishedAt = "finished_at"
        }
    }

    /// A change made after the plan.
    public struct Override: Sendable, Codable {
        public var prompt: String?
        public var seed: Int64?
        public var take: Int
        public var approved: Bool?
        public var dropped: Bool
        public var reason: String?
    }

    /// A state change.
    public struct Event: Sendable, Codable {
        public var at: Double
        public var state: String
        public var detail: String?
    }

    /// One shot.
    public struct Shot: Sendable, Codable {
        public var id: String
        public var position: Int
        /// Whether the shot is in the edit (false: it left the plan or was dropped; its clips stay).
        public var inEdit: Bool
        public var prompt: String
        public var state: String
        public var taskID: String?
        public var attempts: [Attempt]
        public var override: Override?
        public var tokens: Int?
        public var estimatedTokens: Int?
        public var startedAt: Double?
        public var finishedAt: Double?
        public var seconds: Double?
        public var clip: String?
        public var poster: String?
        public var lastFrame: String?
        public var sheet: String?
        public var probe: MediaInfo?
        public var qa: QAReport?
        public var qaPassed: Bool?
        public var error: String?
        public var history: [Event]
        /// The model the shot's request names.
        public var model: String?
        /// The model's price, when one is known.
        public var price: Price?
        /// The shot's tokens in money, when priced.
        public var cost: ShotCost?
        /// The images the request sends (plan order).
        public var inputs: [Input]?
        /// For a chained shot: the shot whose last frame it starts from.
        public var chainedFrom: String?
        /// For a chained shot: that last frame, the first frame sent.
        public var chainedImage: String?
        /// For a chained shot: the clip's own first frame, to set beside `chainedImage` at the join.
        public var firstFrame: String?
        /// A small H.264 copy of `clip` when browsers cannot play it (HEVC).
        public var clipPreview: String?
        /// The clip's video codec.
        public var clipCodec: String?
        /// What the clip's C2PA Content Credentials say and whether they hold (the `provenance` check's facts).
        public var provenance: ClipProvenance?

        enum CodingKeys: String, CodingKey {
            case id, position, prompt, state, attempts, tokens, clip, poster, sheet, probe, qa, error, history, seconds, override
            case provenance
            case model, price, cost, inputs
            case chainedFrom = "chained_from", chainedImage = "chained_image", clipPreview = "clip_preview"
            case firstFrame = "first_frame"
            case clipCodec = "clip_codec"
            case inEdit = "in_edit"
            case taskID = "task_id", estimatedTokens = "estimated_tokens", startedAt = "started_at"
            case finishedAt = "finished_at", lastFrame = "last_frame", qaPassed = "qa_passed"
        }
    }

    /// A shot's money: its tokens at its model's price.
    public struct ShotCost: Sendable, Codable, Hashable {
        /// The price's currency.
        public var currency: String?
        /// One attempt, estimated.
        public var estimated: Double?
        /// Every attempt, billed.
        public var billed: Double
        /// The attempts whose clips are not in use.
        public var retries: Double
    }

    /// An input of a shot's request.
    public struct Input: Sendable, Codable, Hashable {
        /// `image`, `video`, `audio`.
        public var kind: String
        /// Its role (`first_frame`, `reference_image`, ...), when the plan gives one.
        public var role: String?
        /// The source as the plan writes it (a path relative to the plan, or a URL; data URLs are shortened).
        public var source: String
        /// A copy inside the run folder (`inputs/<shot>-<n>.<ext>`), relative, for a local file.
        public var file: String?
        /// The URL, for a remote input.
        public var url: String?
    }

    /// The joined video.
    public struct Final: Sendable, Codable {
        public var path: String
        public var strategy: String
        public var reason: String
        public var passed: Bool
        public var probe: MediaInfo
        public var checks: [QACheck]
        /// The shots joined, in join order.
        public var shots: [String]?
        /// The joined clips' manifests, in edit order. Joining re-encodes or re-muxes, so the providers'
        /// signatures cannot travel into the sequence: these say what it was made from.
        public var ingredients: [Ingredient]?
    }

    /// One clip of the joined video and what its manifest said.
    public struct Ingredient: Sendable, Codable, Hashable {
        /// The shot.
        public var shot: String
        /// Its clip, relative to the run folder.
        public var file: String?
        /// The model its manifest names.
        public var modelName: String?
        /// The software agent its manifest names.
        public var softwareAgent: String?
        /// Its signer, `common name / organization`.
        public var signer: String?
        /// Whether the signer is a test certificate (the simulator's).
        public var testSigner: Bool
        /// Whether the clip matched its hard binding when it was checked (nil: no manifest, or not checked).
        public var intact: Bool?
        /// Whether it had a manifest at all.
        public var hasManifest: Bool

        enum CodingKeys: String, CodingKey {
            case shot, file, signer, intact
            case modelName = "model_name", softwareAgent = "software_agent", testSigner = "test_signer"
            case hasManifest = "has_manifest"
        }
    }

    public var name: String?
    public var planFile: String?
    public var createdAt: Double?
    public var totals: Totals
    public var final: Final?
    public var shots: [Shot]
    /// The shots of the edit in join order (the plan's, or the one a review set); dropped shots are not in it.
    public var editOrder: [String]?

    /// The shots as the edit shows them: those in the edit in join order, then the others in plan order.
    public var shotsInEditOrder: [Shot] {
        guard let editOrder else { return shots }
        let byID = Dictionary(shots.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return editOrder.compactMap { byID[$0] } + shots.filter { !editOrder.contains($0.id) }
    }

    enum CodingKeys: String, CodingKey {
        case name, totals, final, shots
        case planFile = "plan_file", createdAt = "created_at", editOrder = "edit_order"
    }
}

