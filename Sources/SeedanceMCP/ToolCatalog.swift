import MCP

/// The tools and their input schemas, with descriptions an agent can act on.
enum ToolCatalog {
    static func string(_ description: String, enumeration: [String]? = nil) -> Value {
        var object: [String: Value] = ["type": "string", "description": .string(description)]
        if let enumeration { object["enum"] = .array(enumeration.map { .string($0) }) }
        return .object(object)
    }

    static func integer(_ description: String) -> Value { ["type": "integer", "description": .string(description)] }
    static func number(_ description: String) -> Value { ["type": "number", "description": .string(description)] }
    static func boolean(_ description: String) -> Value { ["type": "boolean", "description": .string(description)] }
    static func strings(_ description: String) -> Value {
        ["type": "array", "items": ["type": "string"], "description": .string(description)]
    }

    static func schema(_ properties: [String: Value], required: [String] = []) -> Value {
        ["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) }),
         "additionalProperties": false]
    }

    static let confirm = boolean("Set to true only after the user agreed to the estimated cost. Needed when the "
        + "client cannot ask the user itself (no elicitation); a client with elicitation is asked instead.")

    /// The parameters of one clip, shared by `estimate` and `generate_clip`.
    static let request: [String: Value] = [
        "prompt": string("What to make: subject, action, camera, style; dialogue in quotes."),
        "images": ["type": "array", "description": .string("Reference images: each a local file path or an https URL, "
            + "with an optional role."),
                   "items": ["type": "object", "properties": [
                       "source": string("A local image path (sent as a data URL) or an http(s) URL."),
                       "role": string("How the image is used.", enumeration: ["first_frame", "last_frame",
                                                                             "reference_image"]),
                   ], "required": ["source"]]],
        "model": string("Model id (default: the server's, doubao-seedance-2-0-260128)."),
        "resolution": string("Output resolution (default 720p).", enumeration: ["480p", "720p", "1080p", "4k"]),
        "ratio": string("Aspect ratio (default 16:9).", enumeration: ["16:9", "4:3", "1:1", "3:4", "9:16", "21:9",
                                                                       "adaptive"]),
        "duration": integer("Length in whole seconds (default 5; the model's range applies)."),
        "audio": boolean("Whether the clip has sound (default true)."),
        "watermark": boolean("Whether the small \"AI generated\" mark is drawn (default false)."),
        "seed": integer("Seed, 0 ... 4294967295 (default random)."),
        "camera_fixed": boolean("Keep the camera still."),
        "return_last_frame": boolean("Also return the clip's last frame from the service."),
        "service_tier": string("Service tier (default or flex).", enumeration: ["default", "flex"]),
        "draft": boolean("A cheap draft render (models that offer it)."),
    ]

    static let runID = string("A run's id: its folder's name under the server's root (returned by run_plan and "
        + "generate_clip).")

    static let tools: [Tool] = [
        Tool(name: "estimate",
             description: "Estimate what a clip or a plan would cost: the tasks that would be created and their "
                + "tokens. "
                + "Sends nothing. Give either a clip's parameters (prompt ...) or a plan (plan_file or plan).",
             inputSchema: schema(request.merging([
                "plan_file": string("A plan file (.yaml, .yml or .json) on the server's machine."),
                "plan": string("A plan inline, as YAML or JSON text (see docs/plans.md)."),
             ]) { a, _ in a }),
             annotations: .init(readOnlyHint: true, openWorldHint: false)),
        Tool(name: "generate_clip",
             description: "Make one clip: submit, wait (with progress notifications), download, verify (QA), poster. "
                + "Spends tokens: the user is asked first, or confirm must be true. Returns the clip path, the QA "
                + "summary (failures first), tokens and the task id. Cancelling stops waiting; resume_run collects it.",
             inputSchema: schema(request.merging([
                "run_id": string("Name of the run folder under the root (letters, digits, - _ .; default: a new id)."),
                "regenerations": integer("Times the clip is made again after failing QA, 0 ... 10 (default: the "
                    + "server's --regenerations, 2 unless set; each may cost as much as the first, and the budget "
                    + "holds them all)."),
                "confirm": confirm,
             ]) { a, _ in a }, required: ["prompt"]),
             annotations: .init(destructiveHint: false, openWorldHint: true)),
        Tool(name: "run_plan",
             description: "Start a multi-shot plan as a run folder under the server's root and return its run id at "
                + "once; the run goes on in the server (poll get_run). Spends tokens: the user is asked first, or "
                + "confirm must be true.",
             inputSchema: schema([
                "plan_file": string("A plan file (.yaml, .yml or .json) on the server's machine; relative image "
                    + "paths are relative to it."),
                "plan": string("A plan inline, as YAML or JSON text; relative image paths are relative to the "
                    + "server's working folder."),
                "run_id": string("Name of the run folder (default: a new id from the plan's name). An existing "
                    + "run's id runs the edited plan into it: only changed shots are made."),
                "regenerations": integer("Times a shot is made again after failing QA, 0 ... 10 (default: the "
                    + "server's --regenerations, 2 unless set)."),
                "confirm": confirm,
             ]), annotations: .init(destructiveHint: false, openWorldHint: true)),
        Tool(name: "get_run",
             description: "The state of a run: every shot's state, clip, QA verdict and tokens; the report and the "
                + "final video; whether it is still going on in this server.",
             inputSchema: schema(["run_id": runID], required: ["run_id"]),
             annotations: .init(readOnlyHint: true, openWorldHint: false)),
        Tool(name: "resume_run",
             description: "Continue a run that was stopped (cancelled, server restarted, network down) without "
                + "creating any task twice: tasks already made are collected. Returns at once; poll get_run. Creates "
                + "it must send, and regenerations of the clips it collects (a clip that fails QA is made again), "
                + "are confirmed like generate_clip.",
             inputSchema: schema(["run_id": runID,
                                  "retry_failed": boolean("Make failed shots again with a fresh regeneration budget "
                                      + "(spends)."),
                                  "confirm": confirm], required: ["run_id"]),
             annotations: .init(destructiveHint: false, openWorldHint: true)),
        Tool(name: "regenerate_shot",
             description: "Make shots of a run again (optionally with a new prompt or seed), then re-join. Spends: "
                + "confirmed like generate_clip. Returns at once; poll get_run.",
             inputSchema: schema(["run_id": runID,
                                  "shots": strings("The shot ids to make again."),
                                  "prompt": string("A new prompt for those shots."),
                                  "seed": integer("A new seed, 0 ... 4294967295."),
                                  "reason": string("Why, in words (kept in the report)."),
                                  "confirm": confirm], required: ["run_id", "shots"]),
             annotations: .init(destructiveHint: false, openWorldHint: true)),
        Tool(name: "verify_clip",
             description: "Check a delivered clip against what was asked (geometry, duration, frame rate, sound, "
                + "black or frozen picture, silence). A failed check is a result with passed: false, not an error.",
             inputSchema: schema([
                "file": string("The clip (MP4 or MOV)."),
                "resolution": string("Resolution asked for.", enumeration: ["480p", "720p", "1080p", "4k"]),
                "ratio": string("Ratio asked for.", enumeration: ["16:9", "4:3", "1:1", "3:4", "9:16", "21:9",
                                                                  "adaptive"]),
                "duration": integer("Seconds asked for (-1: the model chose)."),
                "audio": boolean("Whether sound was asked for (default true)."),
                "model": string("Model id (chooses the size table)."),
                "request_file": string("Instead of the fields above: the create-request body (JSON) the clip came "
                    + "from."),
                "starts_from": string("An image the clip should start from (adds the continuity check)."),
             ], required: ["file"]),
             annotations: .init(readOnlyHint: true, openWorldHint: false)),
        Tool(name: "probe",
             description: "Container, video and audio facts of media files (like ffprobe), in the CLI's JSON keys.",
             inputSchema: schema(["files": strings("The files to probe.")], required: ["files"]),
             annotations: .init(readOnlyHint: true, openWorldHint: false)),
        Tool(name: "provenance",
             description: "Who made each file and whether it is intact: reads and verifies the C2PA Content "
                + "Credentials (the model named in the manifest, the software agent, the signer; the hard binding, "
                + "the signature and the signer's trust), with the C2PA status codes.",
             inputSchema: schema([
                "files": strings("The MP4 or MOV files to check."),
                "trust": strings("PEM files of the certificates to trust as signers' roots (optional; without "
                    + "them every signer is reported untrusted)."),
             ], required: ["files"]),
             annotations: .init(readOnlyHint: true, openWorldHint: false)),
        Tool(name: "thumbnail",
             description: "Write one exact frame of a clip as JPEG or PNG (by the output's extension).",
             inputSchema: schema([
                "file": string("The clip."),
                "output": string("The image to write (.jpg, .jpeg or .png)."),
                "at": number("Seconds from the start; leave out with last: true."),
                "last": boolean("The clip's last frame (to start the next shot from)."),
                "width": integer("Width in pixels (default: the frame's own)."),
             ], required: ["file", "output"]),
             annotations: .init(destructiveHint: false, openWorldHint: false)),
        Tool(name: "contact_sheet",
             description: "Write a grid of evenly spaced frames of a clip as one image.",
             inputSchema: schema([
                "file": string("The clip."),
                "output": string("The image to write (.png, .jpg or .jpeg)."),
                "count": integer("Frames on the sheet (default 12)."),
             ], required: ["file", "output"]),
             annotations: .init(destructiveHint: false, openWorldHint: false)),
        Tool(name: "concat",
             description: "Join clips in order into one MP4, frame-accurate and in A/V sync.",
             inputSchema: schema([
                "files": strings("The clips, in order (two or more)."),
                "output": string("The file to write (.mp4 or .mov)."),
                "mode": string("copy (same encoding only), normalize (re-encode), auto (copy when possible).",
                               enumeration: ["auto", "copy", "normalize"]),
             ], required: ["files", "output"]),
             annotations: .init(destructiveHint: false, openWorldHint: false)),
    ]
}
