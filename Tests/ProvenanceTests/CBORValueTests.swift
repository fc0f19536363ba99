import Foundation
import Testing
@testable import Provenance

@Suite("CBOR values")
struct CBORValueTests {
    @Test("map subscripts find text keys and COSE integer labels")
    func subscripts() {
        let map = CBORValue.map([
            CBORPair(key: .text("alg"), value: .text("ps256")),
            CBORPair(key: .unsigned(1), value: .negative(36)),
        ])
        #expect(map["alg"]?.textValue == "ps256")
        #expect(map[label: 1]?.intValue == -37)
        #expect(map["missing"] == nil)
        #expect(CBORValue.text("x")["alg"] == nil)
    }
}
