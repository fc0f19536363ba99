/// The model family a Seedance manifest names in `parameters.model_name`, from the API model id of a request.
///
/// Real Seedance 2.0 deliveries name the family without the release date: `doubao-seedance-2-0-260128` is
/// `doubao-seedance-2-0`, `dreamina-seedance-2-0-fast-260128` is `dreamina-seedance-2-0-fast`. The simulator writes
/// these names and a provenance check compares a clip's manifest with the model of its request through the same
/// mapping, so the two cannot drift apart.
public enum ManifestModelFamily {
    /// The families of the Seedance 2.0 model ids.
    public static let known: [String: String] = [
        "doubao-seedance-2-0-260128": "doubao-seedance-2-0",
        "doubao-seedance-2-0-fast-260128": "doubao-seedance-2-0-fast",
        "dreamina-seedance-2-0-260128": "dreamina-seedance-2-0",
        "dreamina-seedance-2-0-fast-260128": "dreamina-seedance-2-0-fast",
    ]

    /// The family of `model`: the known one, else the id without a trailing `-` and six digits (a release date
    /// such as `-250528`), else the id as given.
    public static func family(ofModel model: String) -> String {
        if let family = known[model] { return family }
        let parts = model.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count > 1, let last = parts.last, last.count == 6, last.allSatisfy(\.isASCII),
           last.allSatisfy(\.isNumber) {
            return parts.dropLast().joined(separator: "-")
        }
        return model
    }

    /// The family of the other speed: `-fast` added when absent, removed when present
    /// (`doubao-seedance-2-0` and `doubao-seedance-2-0-fast`). What a manifest naming the wrong model names.
    public static func otherSpeed(of family: String) -> String {
        family.hasSuffix("-fast") ? String(family.dropLast("-fast".count)) : family + "-fast"
    }
}
