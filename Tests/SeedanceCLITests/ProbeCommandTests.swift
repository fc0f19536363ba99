import Foundation
import Testing
import TestSupport

@Suite struct ProbeCommandTests {
    @Test func probeJSONForOneFileIsAnObject() throws {
        let result = try runSeedance(["probe", "--json", FixturePaths.fixture("probe/seedance-720p.mp4")])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((object?["video"] as? [String: Any])?["width"] as? Int == 1280)
    }
}
