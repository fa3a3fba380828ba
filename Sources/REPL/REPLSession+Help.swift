// MARK: - `obj?` and `%help obj`
//
// IPython's object inspector, in its plain-text form: type, string form, length, signature and
// docstring of any value — a library object, a builtin (which carries a doc string), a user
// function (its parameters and docstring), a class or a module.

import Script

extension REPLSession {
    /// The expression of a help query (`obj?`, `obj??`, `?obj`), or nil when the line is not one.
    func helpTarget(_ line: String) -> String? {
        var text = Substring(line)
        if text.hasPrefix("?") {
            text = text.drop { $0 == "?" }
        } else if text.hasSuffix("?") {
            while text.hasSuffix("?") { text = text.dropLast() }
        } else {
            return nil
        }
        let target = String(text).trimmingWhitespace()
        guard !target.isEmpty, !target.contains("\n") else { return nil }
        return target
    }

    /// Prints what is known about `expression`.
    func showHelp(for expression: String) {
        var value: Value?
        var receiver: Value?
        if let resolved = resolveDotted(expression) {
            value = resolved.value
            receiver = resolved.receiver
        } else if !expression.contains("("), let program = try? interpreter.compile(expression, file: "<help>", echo: true) {
            // Literals and subscripts (`"abc".upper?`, `xs[0]?`) — anything without a call.
            value = (try? interpreter.execute(program)) ?? nil
        }
        guard let value else {
            output.standardOutput("Object `\(expression)` not found.\n")
            return
        }
        let attribute = expression.split(separator: ".").last.map(String.init)
        output.standardOutput(helpText(for: value, named: expression, receiver: receiver, attribute: attribute))
    }

    /// The inspector's text for a value.
    func helpText(for value: Value, named name: String, receiver: Value?, attribute: String?) -> String {
        var fields: [(String, String)] = []
        let shortName = attribute ?? name
        if let signature = signature(of: value, name: shortName, receiver: receiver, attribute: attribute) {
            fields.append(("Signature", signature))
        } else if !isCallable(value), let text = try? interpreter.str(value) {
            var form = text
            if form.count > 200 { form = String(form.prefix(100)) + " ... " + String(form.suffix(95)) }
            fields.append(("String form", form))
        }
        if let length = try? interpreter.length(value), !isCallable(value) {
            if case .str = value {} else { fields.append(("Length", String(length))) }
        }
        if case .object(let module as ModuleObject) = value {
            fields.append(("Names", module.attributeNames().filter { !$0.hasPrefix("_") }.joined(separator: ", ")))
        }
        fields.append(("Docstring", docstring(of: value) ?? "<no docstring>"))
        fields.insert(("Type", typeLabel(value)), at: 0)
        let width = (fields.map(\.0.count).max() ?? 0) + 2
        return fields.map { label, text in
            let indented = text.split(separator: "\n", omittingEmptySubsequences: false)
                .enumerated().map { k, line in k == 0 ? String(line) : String(repeating: " ", count: width) + line }
                .joined(separator: "\n")
            return (label + ":").padded(to: width) + indented
        }.joined(separator: "\n") + "\n"
    }

    /// `name(a, b=2)` for callables whose parameters are known.
    func signature(of value: Value, name: String, receiver: Value?, attribute: String?) -> String? {
        switch value {
        case .function, .object(is BuiltinFunction):
            // The builtin `help` knows defaults as well as names; its first line is the signature.
            if let text = capturedHelp(value), let first = text.split(separator: "\n").first,
                let open = first.firstIndex(of: "(")
            {
                return name + first[open...]
            }
            guard let names = parameterNames(of: value, receiver: receiver, attribute: attribute) else { return nil }
            return "\(name)(\(names.joined(separator: ", ")))"
        case .object(is ClassObject):
            guard let names = parameterNames(of: value, receiver: receiver, attribute: attribute) else { return "\(name)()" }
            return "\(name)(\(names.joined(separator: ", ")))"
        default:
            guard let names = parameterNames(of: value, receiver: receiver, attribute: attribute) else { return nil }
            return "\(name)(\(names.joined(separator: ", ")))"
        }
    }

    func docstring(of value: Value) -> String? {
        if case .object(let module as ModuleObject) = value { return module.doc.isEmpty ? nil : module.doc }
        if let doc = interpreter.builtinDoc(value) { return doc }
        switch value {
        case .function, .object:
            if let doc = try? interpreter.getAttribute(value, "__doc__"), case .str(let text) = doc, !text.isEmpty { return text }
        default:
            break
        }
        return nil
    }

    func isCallable(_ value: Value) -> Bool {
        switch value {
        case .function: return true
        case .object(let o):
            return o is BuiltinFunction || o is ClassObject || o.typeName == "method" || o.typeName == "builtin_function_or_method"
        default: return false
        }
    }

    /// What the builtin `help(value)` prints, captured instead of written.
    private func capturedHelp(_ value: Value) -> String? {
        guard let help = builtinValue("help") else { return nil }
        interpreter.flush()
        var captured = ""
        let saved = interpreter.writeStdout
        interpreter.writeStdout = { captured += $0 }
        defer { interpreter.writeStdout = saved }
        guard (try? interpreter.call(help, value)) != nil else { return nil }
        interpreter.flush()
        return captured
    }
}
