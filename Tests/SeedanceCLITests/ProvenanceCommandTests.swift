import Foundation
import Testing
import TestSupport

/// `seedance provenance` run as a user runs it: the real binary on the C2PA fixtures, its output and exit status.
@Suite struct ProvenanceCommandTests {
    let signed = FixturePaths.fixture("c2pa/generated-bmffv3-claimv2-es256-testcert-aigen.mp4")
    let video1 = FixturePaths.fixture("c2pa/c2pars-video1-bmffv2-claimv1-2manifests.mp4")
    let unsigned = FixturePaths.fixture("c2pa/c2pars-video1-no-manifest.mp4")
    let roots = FixturePaths.fixture("c2pa/trust/c2pa-rs-test_cert_root_bundle.pem")
    /// Wide enough that the long fixture paths stay on their line.
    let wide = ["COLUMNS": "200"]

    @Test func aSignedFileSaysWhoMadeItAndWhoSigned() throws {
        let result = try runSeedance(["provenance", signed], environment: wide)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let out = result.stdout
        #expect(out.hasPrefix("\(signed): verified, but the signer is not trusted"), "\(out)")
        for line in ["  made by     ExampleVideoModel 1.0", "  model       example-video-model-1",
                     "  source      trainedAlgorithmicMedia (AI-generated)",
                     "  action      c2pa.created at 2026-01-01T00:00:00Z",
                     "  generator   swift-c2pa-fixture-generator 1.0", "  algorithm   ES256",
                     "  signed at   unknown (no time stamp)", "  intact      yes: c2pa.hash.bmff.v3 matches the file",
                     "  signature   valid"] {
            #expect(out.contains(line + "\n"), "missing \(line) in \(out)")
        }
        #expect(out.contains("  signed by   CN=C2PA Signer, OU=FOR TESTING_ONLY, O=C2PA Test Signing Cert, L=Somewhere, ST=CA, C=US\n"),
                "\(out)")
        #expect(out.contains("warn  signingCredential.untrusted: signing certificate untrusted\n"
                             + "        in urn:c2pa:55a7924e-aa9e-4627-a803-0e99c885c700/c2pa.signature\n"), "\(out)")
        // Piped (80 columns): the same report wrapped, no line longer.
        let piped = try runSeedance(["provenance", signed])
        #expect(piped.status == 0)
        for line in piped.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line.count): \(line)") }
        #expect(piped.stdout.contains("  signed by   CN=C2PA Signer, OU=FOR TESTING_ONLY, O=C2PA Test Signing Cert,\n"
                                      + "              L=Somewhere, ST=CA, C=US\n"), "\(piped.stdout)")
    }

    @Test func trustedRootsMakeItTrustedAndRequireTrustedDecidesTheStatus() throws {
        let trusted = try runSeedance(["provenance", signed, "--trust", roots, "--require-trusted"], environment: wide)
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(trusted.stdout.hasPrefix("\(signed): verified, signed by a trusted signer"), "\(trusted.stdout)")
        #expect(trusted.stdout.contains("  trusted     yes\n"))
        let untrusted = try runSeedance(["provenance", signed, "--require-trusted"], environment: wide)
        #expect(untrusted.status == 1)
        #expect(untrusted.stdout.hasPrefix("\(signed): FAIL: the signer is not trusted"), "\(untrusted.stdout)")
        let relaxed = try runSeedance(["provenance", signed, "--require-trusted", "--no-require-trusted"])
        #expect(relaxed.status == 0)
    }

    @Test func noManifestIsANoteAndATimeStampIsShown() throws {
        let result = try runSeedance(["provenance", unsigned, video1], environment: wide)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(unsigned): no Content Credentials (no C2PA manifest)\n"))
        #expect(result.stdout.contains("  signed at   2023-12-02T16:34:19Z (time stamp by DigiCert Timestamp 2023)"))
        #expect(result.stdout.contains("  ingredient  video1.mp4 (parentOf)"))
    }

    @Test func aChangedFileFailsWithExitOne() throws {
        let dir = try FixturePaths.temporaryDirectory("provenance")
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: video1))
        bytes[460_364] ^= 0xff
        let changed = dir.appendingPathComponent("changed.mp4").path
        try bytes.write(to: URL(fileURLWithPath: changed))
        let result = try runSeedance(["provenance", changed, "--trust", roots], environment: wide)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("\(changed): FAIL: BMFF file level hash mismatch"), "\(result.stdout)")
        #expect(result.stdout.contains("  intact      NO: the file does not match c2pa.hash.bmff.v2"))
        // The only stderr line: the roots swift-certificates cannot read (RSASSA-PSS keys) were left out.
        #expect(result.stderr == "seedance: provenance: --trust \(roots): 3 of 8 certificates not used "
                + "(RSASSA-PSS public keys are not supported)\n")
    }

    @Test func jsonIsAnObjectForOneFileAndAnArrayForSeveral() throws {
        let one = try runSeedance(["provenance", "--json", signed, "--trust", roots])
        #expect(one.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
        #expect(object["state"] as? String == "trusted")
        #expect(object["model_name"] as? String == "example-video-model-1")
        #expect(object["intact"] as? Bool == true)
        #expect((object["hard_binding"] as? [String: Any])?["label"] as? String == "c2pa.hash.bmff.v3")
        let several = try runSeedance(["provenance", "--json", signed, "/nonexistent/x.mp4", unsigned])
        #expect(several.status == 2)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(several.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 3)
        #expect(array[0]["state"] as? String == "valid")
        #expect((array[1]["error"] as? String)?.contains("cannot read") == true)
        #expect(array[2]["state"] as? String == "no_manifest")
        #expect(several.stderr.contains("seedance: provenance: /nonexistent/x.mp4: cannot read"))
    }

    @Test func badInputIsOneLineAndExitTwo() throws {
        let dir = try FixturePaths.temporaryDirectory("provenance")
        defer { try? FileManager.default.removeItem(at: dir) }
        let notPEM = dir.appendingPathComponent("roots.pem").path
        try "not a certificate".write(toFile: notPEM, atomically: true, encoding: .utf8)
        let badTrust = try runSeedance(["provenance", signed, "--trust", notPEM])
        #expect(badTrust.status == 2)
        #expect(badTrust.stderr.hasPrefix("seedance: provenance: --trust \(notPEM): trust list:"), "\(badTrust.stderr)")
        #expect(badTrust.stderr.split(separator: "\n").count == 1)
        let text = dir.appendingPathComponent("clip.mp4").path
        try "<html>403</html>".write(toFile: text, atomically: true, encoding: .utf8)
        let notMedia = try runSeedance(["provenance", text])
        #expect(notMedia.status == 2)
        #expect(notMedia.stderr == "seedance: provenance: \(text): not an MP4 or MOV file: the first box is 'l>40', not 'ftyp'\n")
    }
}
