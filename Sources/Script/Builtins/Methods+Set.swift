// MARK: - Methods of set and frozenset

extension SetObject {
    public func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        let mutating: Set<String> = ["add", "remove", "discard", "pop", "clear", "update", "intersection_update", "difference_update"]
        let known: Set<String> = mutating.union(["union", "intersection", "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint", "copy"])
        guard known.contains(name) else { return nil }
        if frozen && mutating.contains(name) { return nil }
        return .object(BuiltinFunction(name) { [unowned self] args, i in try self.method(name, args, i) })
    }

    public func attributeNames() -> [String] {
        ["add", "remove", "discard", "pop", "clear", "update", "union", "intersection", "difference", "symmetric_difference",
         "issubset", "issuperset", "isdisjoint", "copy"]
    }

    private func others(_ args: Arguments, _ i: Interpreter) throws -> [SetObject] {
        try args.positional.map { v in
            if case .object(let s as SetObject) = v { return s }
            let s = SetObject()
            for x in try i.iterate(v) { try s.insert(x) }
            return s
        }
    }

    func method(_ name: String, _ args: Arguments, _ i: Interpreter) throws -> Value {
        switch name {
        case "add":
            try args.expectPositional("set.add", min: 1)
            try insert(args.positional[0])
            return Value.none
        case "remove":
            try args.expectPositional("set.remove", min: 1)
            if try storage.remove(args.positional[0]) == nil { throw ScriptError.keyError(args.positional[0]) }
            return Value.none
        case "discard":
            try args.expectPositional("set.discard", min: 1)
            try storage.remove(args.positional[0])
            return Value.none
        case "pop":
            guard let first = items.first else { throw ScriptError.keyError(.str("pop from an empty set")) }
            try storage.remove(first)
            return first
        case "clear":
            storage.removeAll()
            return Value.none
        case "copy":
            let s = SetObject(frozen: frozen)
            for v in items { try s.insert(v) }
            return .object(s)
        case "update":
            for o in try others(args, i) { for v in o.items { try insert(v) } }
            return Value.none
        case "union", "intersection", "difference", "symmetric_difference":
            var result = SetObject(frozen: frozen)
            for v in items { try result.insert(v) }
            let op: BinaryOperator = name == "union" ? .bitOr : name == "intersection" ? .bitAnd : name == "difference" ? .subtract : .bitXor
            for o in try others(args, i) {
                guard case .object(let r as SetObject) = try i.binary(op, .object(result), .object(o)) else { break }
                result = r
            }
            return .object(result)
        case "intersection_update", "difference_update":
            let op: BinaryOperator = name == "intersection_update" ? .bitAnd : .subtract
            var result: Value = .object(self)
            for o in try others(args, i) { result = try i.binary(op, result, .object(o)) }
            if case .object(let r as SetObject) = result {
                let keep = r.items
                storage.removeAll()
                for v in keep { try insert(v) }
            }
            return Value.none
        case "issubset":
            let o = try others(args, i)[0]
            return .bool(try items.allSatisfy { try o.contains($0) })
        case "issuperset":
            let o = try others(args, i)[0]
            return .bool(try o.items.allSatisfy { try contains($0) })
        case "isdisjoint":
            let o = try others(args, i)[0]
            return .bool(try !items.contains { try o.contains($0) })
        default:
            throw ScriptError.attributeError("'\(typeName)' object has no attribute '\(name)'")
        }
    }

    public func makeIterator(in interp: Interpreter) throws -> any ScriptIterator { ArrayIterator(items) }
    public func length(in interp: Interpreter) throws -> Int? { storage.count }
    public func contains(_ value: Value, in interp: Interpreter) throws -> Bool? { try contains(value) }
}
