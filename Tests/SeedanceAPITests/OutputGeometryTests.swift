import SeedanceAPI
import Testing

@Suite struct OutputGeometryTests {
    @Test func familiesFromModelIds() {
        #expect(ModelFamily(model: "doubao-seedance-2-0-260128") == .v2)
        #expect(ModelFamily(model: "dreamina-seedance-2-0-260128") == .v2)
        #expect(ModelFamily(model: "doubao-seedance-1-0-pro-250528") == .v1_0)
        #expect(ModelFamily(model: "doubao-seedance-1-5-pro-251215") == .v1_5)
        #expect(ModelFamily(model: "ep-20250101-abc") == nil)
    }

    @Test func documentedSizes() {
        #expect(OutputGeometry.size(family: .v2, resolution: .p720, ratio: .r16x9) == PixelSize(1280, 720))
        #expect(OutputGeometry.size(family: .v1_0, resolution: .p720, ratio: .r16x9) == PixelSize(1248, 704))
        #expect(OutputGeometry.size(family: .v2, resolution: .k4, ratio: .r21x9) == PixelSize(4398, 1886))
        #expect(OutputGeometry.size(family: .v1_0, resolution: .k4, ratio: .r16x9) == nil)
        #expect(OutputGeometry.size(family: .v2, resolution: .p480, ratio: .adaptive) == nil)
        #expect(OutputGeometry.sizes(family: .v1_5, resolution: .p1080).count == 6)
    }

    @Test func tokenFormulaMatchesTheDocumentedCounts() {
        #expect(OutputGeometry.tokens(size: PixelSize(1280, 720), frames: OutputGeometry.frameCount(duration: 5)) == 108_900)
        #expect(OutputGeometry.tokens(size: PixelSize(1920, 1088), frames: 121) == 246_840)
    }

    @Test func paddedTenEightyIsAcceptedOnTwoX() {
        let accepted = OutputGeometry.acceptedSizes(family: .v2, resolution: .p1080, ratio: .r16x9)
        #expect(accepted.map(\.size) == [PixelSize(1920, 1080), PixelSize(1920, 1088)])
        #expect(accepted[1].note != nil)
        #expect(OutputGeometry.acceptedSizes(family: .v1_0, resolution: .p1080, ratio: .r16x9).count == 1)
    }
}
