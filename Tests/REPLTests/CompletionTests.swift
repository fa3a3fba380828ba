import REPL
import Script
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Tab completion candidates computed by the session.
@Suite struct CompletionTests {
    @Test func attributesOfTheLiveObject() {
        let h = Harness()
        h.run("class Tok:", "    def __init__(self):", "        self.pad_token = '[PAD]'",
              "        self.pad_token_id = 0", "        self.eos = 2", "    def pad(self, ids, max_length=8):",
              "        return ids", "")
        h.run("tok = Tok()")
        let c = h.session.complete(before: "x = tok.pad_")
        #expect(c.start == 4)
        #expect(c.candidates == ["tok.pad_token", "tok.pad_token_id"])
        #expect(h.session.complete(before: "tok.e").candidates == ["tok.eos"])
    }

    @Test func methodsOfBuiltinValuesAndModules() {
        let h = Harness()
        h.run("s = 'abc'", "import math")
        #expect(h.session.complete(before: "s.up").candidates == ["s.upper"])
        #expect(h.session.complete(before: "math.sq").candidates == ["math.sqrt"])
    }

    @Test func namesKeywordsAndBuiltins() {
        let h = Harness()
        h.run("my_value = 1", "my_other = 2")
        #expect(h.session.complete(before: "print(my_").candidates.sorted() == ["my_other", "my_value"])
        let w = h.session.complete(before: "whi").candidates
        #expect(w == ["while"])
        #expect(h.session.complete(before: "isinst").candidates == ["isinstance"])
    }

    @Test func keywordParametersInsideACall() {
        let h = Harness()
        h.run("def generate(prompt, max_new_tokens=20, do_sample=False):", "    return prompt", "")
        let c = h.session.complete(before: "generate('hi', max_n")
        #expect(c.candidates == ["max_new_tokens="])
        let all = h.session.complete(before: "generate('hi', do_sample=True, ").candidates
        #expect(all.contains("max_new_tokens="))
        #expect(!all.contains("do_sample="))
        h.run("class M:", "    def run(self, steps=1, verbose=False):", "        return steps", "")
        h.run("m = M()")
        #expect(h.session.complete(before: "m.run(verb").candidates == ["verbose="])
    }

    @Test func filePathsInsideStrings() {
        let dir = "/tmp/sfs-completion-\(getpid())"
        mkdir(dir, 0o755)
        defer {
            for name in ["image_1.png", ".hidden", "images"] { remove(dir + "/" + name) }
            rmdir(dir)
        }
        mkdir(dir + "/images", 0o755)
        fclose(fopen(dir + "/image_1.png", "w"))
        fclose(fopen(dir + "/.hidden", "w"))
        let h = Harness()
        let c = h.session.complete(before: "open('\(dir)/ima")
        #expect(c.start == 6)
        #expect(c.candidates == ["\(dir)/image_1.png", "\(dir)/images/"])
        #expect(h.session.complete(before: "x = \"\(dir)/").candidates.count == 2)
        #expect(h.session.complete(before: "%run \(dir)/image_").candidates == ["\(dir)/image_1.png"])
        #expect(h.session.complete(before: "open(\"\(dir)/image_").candidates == ["\(dir)/image_1.png\""])
    }

    @Test func dictKeysInsideSubscript() {
        let h = Harness()
        h.run("inputs = {'input_ids': [1], 'attention_mask': [1], 'input_len': 1, 3: 'x'}")
        let c = h.session.complete(before: "inputs['input_")
        #expect(c.start == 8)
        #expect(c.candidates == ["input_ids']", "input_len']"])
        #expect(h.session.complete(before: "inputs[\"att").candidates == ["attention_mask\"]"])
    }

    @Test func magicsImportsAndIndent() {
        let h = Harness()
        #expect(h.session.complete(before: "%ti").candidates == ["%time", "%timeit"])
        #expect(h.session.complete(before: "import ma").candidates == ["math"])
        #expect(h.session.complete(before: "from math import sq").candidates == ["sqrt"])
        #expect(h.session.complete(before: "    ") == Completion(start: 4, candidates: ["    "]))
    }
}
