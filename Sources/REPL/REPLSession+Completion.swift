// MARK: - Tab completion
//
// Candidates for the text before the cursor: magic names after `%`; file paths inside a string
// literal (and after `%run`, `%load`, `%cd`); attributes and methods of the live object after a
// dot; module names after `import`; and otherwise keywords, builtins, the user's variables and —
// inside a call — the callee's keyword parameters as `name=`. On a blank line Tab indents.

import Script

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Completion candidates and where they start.
public struct Completion: Equatable {
    /// The character offset, in the text before the cursor, where the completed word begins:
    /// a candidate replaces `before[start...]`.
    public var start: Int
    public var candidates: [String]

    public init(start: Int, candidates: [String]) {
        self.start = start
        self.candidates = candidates
    }
}

extension REPLSession {
    /// Completes the word that ends at the cursor. `before` is the current line up to the cursor
    /// (the lines of a cell still being typed are taken into account for brackets and strings).
    public func complete(before: String) -> Completion {
        let none = Completion(start: before.count, candidates: [])
        // Magics: `%ti` → `%time`, `%timeit`; their file arguments complete as paths.
        if pendingLines.isEmpty, before.hasPrefix("%") {
            guard let space = before.firstIndex(of: " ") else {
                let prefix = before.dropFirst()
                return Completion(start: 0, candidates: Self.magicNames.filter { $0.hasPrefix(prefix) }.map { "%" + $0 })
            }
            let name = before[before.index(after: before.startIndex)..<space]
            guard ["run", "load", "cd"].contains(name) else { return none }
            let argument = String(before[before.index(after: space)...]).drop { $0 == " " }
            return Completion(start: before.count - argument.count, candidates: pathCompletions(String(argument), directoriesOnly: name == "cd"))
        }
        let context = (pendingLines + [before]).joined(separator: "\n")
        let lineOffset = context.count - before.count
        let scan = InputScan(context)
        // Inside a string literal: a file path.
        if let bodyStart = scan.openStringBodyOffset {
            guard bodyStart >= lineOffset else { return none }
            let partial = String(before.dropFirst(bodyStart - lineOffset))
            if let keys = dictKeyCompletions(context: context, quoteOffset: bodyStart - 1, partial: partial) {
                return Completion(start: bodyStart - lineOffset, candidates: keys)
            }
            var paths = pathCompletions(partial, directoriesOnly: false)
            // One file: close the string, as readline does for file names.
            let chars = Array(context)
            let tripleQuoted = bodyStart >= 3 && chars[bodyStart - 2] == chars[bodyStart - 1] && chars[bodyStart - 3] == chars[bodyStart - 1]
            if paths.count == 1, let only = paths.first, !only.hasSuffix("/"), bodyStart >= 1, !tripleQuoted {
                paths = [only + String(chars[bodyStart - 1])]
            }
            return Completion(start: bodyStart - lineOffset, candidates: paths)
        }
        // Nothing typed on the line: Tab indents, as in IPython.
        if before.allSatisfy({ $0 == " " || $0 == "\t" }) {
            return Completion(start: before.count, candidates: ["    "])
        }
        let word = String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed())
        let start = before.count - word.count
        if word.first?.isNumber == true { return none }
        // After a dot: attributes of the live object.
        if let dot = word.lastIndex(of: ".") {
            let receiverText = String(word[..<dot])
            let prefix = String(word[word.index(after: dot)...])
            guard !receiverText.isEmpty, let receiver = resolveDotted(receiverText)?.value else { return none }
            let names = attributeNames(of: receiver).filter { $0.hasPrefix(prefix) && (prefix.hasPrefix("_") || !$0.hasPrefix("_")) }
            return Completion(start: start, candidates: names.map { receiverText + "." + $0 })
        }
        if let modules = importCompletions(before: before, word: word) {
            return Completion(start: start, candidates: modules)
        }
        // Bare names, plus `keyword=` inside a call.
        var names: [String] = []
        if let open = scan.openBracketOffsets.last, scan.openBrackets.last == "(" {
            names += keywordArguments(context: context, openParen: open).map { $0 + "=" }
        }
        names += Self.keywords + builtinNames + interpreter.globalNames.filter { !$0.hasPrefix("__sfs_") }
        var seen: Set<String> = []
        let matches = names.filter { name in
            name.hasPrefix(word) && (word.hasPrefix("_") || !name.hasPrefix("_")) && seen.insert(name).inserted
        }
        return Completion(start: start, candidates: matches)
    }

    /// `d['ke` → `key']`: the string keys of a dict named right before `[`.
    private func dictKeyCompletions(context: String, quoteOffset: Int, partial: String) -> [String]? {
        let chars = Array(context)
        guard quoteOffset >= 1, quoteOffset < chars.count, chars[quoteOffset - 1] == "[" else { return nil }
        var begin = quoteOffset - 1
        while begin > 0 && (chars[begin - 1].isLetter || chars[begin - 1].isNumber || chars[begin - 1] == "_" || chars[begin - 1] == ".") {
            begin -= 1
        }
        let receiver = String(chars[begin..<(quoteOffset - 1)])
        guard !receiver.isEmpty, case .dict(let d)? = resolveDotted(receiver)?.value else { return nil }
        let quote = chars[quoteOffset]
        return d.keyList.compactMap { key in
            guard case .str(let text) = key, text.hasPrefix(partial) else { return nil }
            return text + String(quote) + "]"
        }
    }

    /// Parameter names of the call whose `(` is at `openParen` in `context`, minus those already given.
    private func keywordArguments(context: String, openParen: Int) -> [String] {
        let chars = Array(context)
        var end = openParen
        while end > 0 && (chars[end - 1] == " " || chars[end - 1] == "\t") { end -= 1 }
        var begin = end
        while begin > 0 && (chars[begin - 1].isLetter || chars[begin - 1].isNumber || chars[begin - 1] == "_" || chars[begin - 1] == ".") {
            begin -= 1
        }
        let callee = String(chars[begin..<end])
        guard !callee.isEmpty, let resolved = resolveDotted(callee) else { return [] }
        let attribute = callee.contains(".") ? callee.split(separator: ".").last.map(String.init) : nil
        guard let names = parameterNames(of: resolved.value, receiver: resolved.receiver, attribute: attribute) else { return [] }
        let given = String(chars[(openParen + 1)...])
        return names.filter { $0 != "self" && !given.contains($0 + "=") }
    }

    /// `import to` → `torch`; `from os import pa` → `path`.
    private func importCompletions(before: String, word: String) -> [String]? {
        let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        guard let first = words.first, first == "import" || first == "from" else { return nil }
        let endsWithSeparator = before.last == " " || before.last == ","
        let position = endsWithSeparator ? words.count : words.count - 1
        if position == 0 { return nil }
        if first == "import" || position == 1 {
            return Self.knownModules.filter { $0.hasPrefix(word) && interpreter.hasModule($0) }
        }
        if position == 2 { return ["import"].filter { $0.hasPrefix(word) } }
        guard words.count >= 3, words[2] == "import", let module = try? interpreter.importModule(words[1]) else { return [] }
        return module.attributeNames().filter { $0.hasPrefix(word) && !$0.hasPrefix("_") }
    }

    /// Paths that extend `partial` (relative to the current directory; `~` is the home directory).
    /// Directories end with `/`; hidden entries appear only when the name typed starts with a dot.
    func pathCompletions(_ partial: String, directoriesOnly: Bool) -> [String] {
        let slash = partial.lastIndex(of: "/")
        let directoryPart = slash.map { String(partial[...$0]) } ?? ""
        let namePrefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let directory = directoryPart.isEmpty ? "." : expandingTilde(directoryPart)
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var results: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            if name.hasPrefix(".") && !namePrefix.hasPrefix(".") { continue }
            guard name.hasPrefix(namePrefix) else { continue }
            var info = stat()
            let full = (directory.hasSuffix("/") ? directory : directory + "/") + name
            let isDirectory = stat(full, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            if directoriesOnly && !isDirectory { continue }
            results.append(directoryPart + name + (isDirectory ? "/" : ""))
        }
        return results.sorted()
    }
}
