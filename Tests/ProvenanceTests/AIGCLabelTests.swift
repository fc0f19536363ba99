import Foundation
import Testing
import Provenance

@Suite("AIGC labels")
struct AIGCLabelTests {
    @Test("the label of the container tag is read, empty members dropped")
    func readsTheTag() throws {
        let json = #"{"Label":"1","ContentProducer":"001191110108MA01KP2T5U00000","ProduceID":"20260120-7f3a9c","# +
            #""ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}"#
        let label = try #require(AIGCLabel(tags: ["major_brand": "isom", "AIGC": json]))
        #expect(label.label == "1")
        #expect(label.contentProducer == "001191110108MA01KP2T5U00000")
        #expect(label.produceID == "20260120-7f3a9c")
        #expect(label.contentPropagator == nil)
        #expect(label.fields.count == 7)
        #expect(label.summary == "AI-generated, producer 001191110108MA01KP2T5U00000, id 20260120-7f3a9c")
    }

    @Test("numbers and other spellings of the tag name are accepted; text that is not an object is not a label")
    func leniencyAndRefusal() {
        #expect(AIGCLabel(tags: ["aigc": #"{"Label":2}"#])?.meaning == "possibly AI-generated")
        #expect(AIGCLabel(tags: ["AIGC": "yes"]) == nil)
        #expect(AIGCLabel(tags: ["AIGC": "[1,2]"]) == nil)
        #expect(AIGCLabel(tags: ["encoder": "Lavf59"]) == nil)
    }
}
