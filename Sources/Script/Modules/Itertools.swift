// MARK: - itertools (lazy iterators, as in CPython)

extension Interpreter {
    func makeItertoolsModule() -> ModuleObject {
        let m = ModuleObject("itertools", doc: "Iterator building blocks.")
        func iterator(_ name: String, _ body: @escaping () throws -> Value?) -> Value {
            .object(IteratorObject(ClosureIterator(body), name: name))
        }
        m.define("count", [Parameter("start", default: .int(0)), Parameter("step", default: .int(1))]) { a, i in
            var current = a[0]
            let step = a[1]
            return iterator("count") {
                defer { current = (try? i.binary(.add, current, step)) ?? current }
                return current
            }
        }
        m.define("repeat", [Parameter("object"), Parameter("times", default: Value.none)]) { a, _ in
            var remaining = a[1].intLike
            return iterator("repeat") {
                if let r = remaining {
                    if r <= 0 { return nil }
                    remaining = r - 1
                }
                return a[0]
            }
        }
        m.define("cycle", [Parameter("iterable")]) { a, i in
            let items = try i.iterate(a[0])
            var k = 0
            return iterator("cycle") {
                if items.isEmpty { return nil }
                defer { k = (k + 1) % items.count }
                return items[k]
            }
        }
        let chain = BuiltinFunction("chain") { args, i in
            let its = try args.positional.map { try i.makeIterator($0) }
            var k = 0
            return iterator("chain") {
                while k < its.count {
                    if let v = try its[k].next() { return v }
                    k += 1
                }
                return nil
            }
        }
        m.attributes["chain"] = .object(ChainType(chain))
        m.define("islice") { args, i in
            guard args.positional.count >= 2 else { throw ScriptError.typeError("islice expected at least 2 arguments") }
            let it = try i.makeIterator(args.positional[0])
            var start = 0, stop: Int?, step = 1
            if args.positional.count == 2 {
                stop = args.positional[1].intLike
            } else {
                start = args.positional[1].intLike ?? 0
                stop = args.positional[2].intLike
                if args.positional.count > 3 { step = args.positional[3].intLike ?? 1 }
            }
            if step <= 0 { throw ScriptError.valueError("Step for islice() must be a positive integer or None.") }
            var position = 0
            var nextWanted = start
            return iterator("islice") {
                while true {
                    if let stop, nextWanted >= stop { return nil }
                    guard let v = try it.next() else { return nil }
                    defer { position += 1 }
                    if position == nextWanted {
                        nextWanted += step
                        return v
                    }
                }
            }
        }
        m.define("product") { args, i in
            let pools = try args.positional.map { try i.iterate($0) }
            let repeatCount = args.keyword("repeat")?.intLike ?? 1
            var all: [[Value]] = []
            for _ in 0..<max(0, repeatCount) { all.append(contentsOf: pools) }
            var results: [[Value]] = [[]]
            for pool in all {
                var next: [[Value]] = []
                for r in results { for v in pool { next.append(r + [v]) } }
                results = next
            }
            return .object(IteratorObject(ArrayIterator(results.map { .tuple($0) }), name: "product"))
        }
        m.define("permutations", [Parameter("iterable"), Parameter("r", default: Value.none)]) { a, i in
            let pool = try i.iterate(a[0])
            let r = a[1].intLike ?? pool.count
            var out: [Value] = []
            func build(_ prefix: [Int]) {
                if prefix.count == r {
                    out.append(.tuple(prefix.map { pool[$0] }))
                    return
                }
                for k in 0..<pool.count where !prefix.contains(k) { build(prefix + [k]) }
            }
            if r <= pool.count { build([]) }
            return .object(IteratorObject(ArrayIterator(out), name: "permutations"))
        }
        func combinations(_ pool: [Value], _ r: Int, replacement: Bool) -> [Value] {
            var out: [Value] = []
            func build(_ start: Int, _ prefix: [Value]) {
                if prefix.count == r {
                    out.append(.tuple(prefix))
                    return
                }
                if start >= pool.count { return }
                for k in start..<pool.count { build(replacement ? k : k + 1, prefix + [pool[k]]) }
            }
            build(0, [])
            return out
        }
        m.define("combinations", [Parameter("iterable"), Parameter("r")]) { a, i in
            .object(IteratorObject(ArrayIterator(combinations(try i.iterate(a[0]), a[1].intLike ?? 0, replacement: false)), name: "combinations"))
        }
        m.define("combinations_with_replacement", [Parameter("iterable"), Parameter("r")]) { a, i in
            .object(IteratorObject(ArrayIterator(combinations(try i.iterate(a[0]), a[1].intLike ?? 0, replacement: true)), name: "combinations_with_replacement"))
        }
        m.define("accumulate", [Parameter("iterable"), Parameter("func", default: Value.none), Parameter("initial", default: Value.none)]) { a, i in
            let it = try i.makeIterator(a[0])
            var total: Value? = a[2].isNone ? nil : a[2]
            var emittedInitial = a[2].isNone
            return iterator("accumulate") {
                if !emittedInitial {
                    emittedInitial = true
                    return total
                }
                guard let v = try it.next() else { return nil }
                if let t = total {
                    total = a[1].isNone ? try i.binary(.add, t, v) : try i.call(a[1], Arguments([t, v]))
                } else {
                    total = v
                }
                return total
            }
        }
        m.define("groupby", [Parameter("iterable"), Parameter("key", default: Value.none)]) { a, i in
            let items = try i.iterate(a[0])
            var groups: [Value] = []
            var currentKey: Value?
            var current: [Value] = []
            for v in items {
                let k = a[1].isNone ? v : try i.call(a[1], Arguments([v]))
                if let ck = currentKey, try i.equals(ck, k) {
                    current.append(v)
                } else {
                    if let ck = currentKey { groups.append(.tuple([ck, .object(IteratorObject(ArrayIterator(current), name: "_grouper"))])) }
                    currentKey = k
                    current = [v]
                }
            }
            if let ck = currentKey { groups.append(.tuple([ck, .object(IteratorObject(ArrayIterator(current), name: "_grouper"))])) }
            return .object(IteratorObject(ArrayIterator(groups), name: "groupby"))
        }
        m.define("zip_longest") { args, i in
            let its = try args.positional.map { try i.makeIterator($0) }
            let fill = args.keyword("fillvalue") ?? Value.none
            var done = [Bool](repeating: false, count: its.count)
            return iterator("zip_longest") {
                var row: [Value] = []
                for (k, it) in its.enumerated() {
                    if !done[k], let v = try it.next() { row.append(v) } else {
                        done[k] = true
                        row.append(fill)
                    }
                }
                return done.allSatisfy({ $0 }) || its.isEmpty ? nil : .tuple(row)
            }
        }
        m.define("starmap", [Parameter("function"), Parameter("iterable")]) { a, i in
            let it = try i.makeIterator(a[1])
            return iterator("starmap") {
                guard let v = try it.next() else { return nil }
                return try i.call(a[0], Arguments(try i.iterate(v)))
            }
        }
        m.define("takewhile", [Parameter("predicate"), Parameter("iterable")]) { a, i in
            let it = try i.makeIterator(a[1])
            var stopped = false
            return iterator("takewhile") {
                if stopped { return nil }
                guard let v = try it.next(), try i.truthy(try i.call(a[0], Arguments([v]))) else {
                    stopped = true
                    return nil
                }
                return v
            }
        }
        m.define("dropwhile", [Parameter("predicate"), Parameter("iterable")]) { a, i in
            let it = try i.makeIterator(a[1])
            var dropping = true
            return iterator("dropwhile") {
                while let v = try it.next() {
                    if dropping, try i.truthy(try i.call(a[0], Arguments([v]))) { continue }
                    dropping = false
                    return v
                }
                return nil
            }
        }
        m.define("pairwise", [Parameter("iterable")]) { a, i in
            let it = try i.makeIterator(a[0])
            var previous = try it.next()
            return iterator("pairwise") {
                guard let p = previous, let v = try it.next() else { return nil }
                previous = v
                return .tuple([p, v])
            }
        }
        return m
    }
}

/// `itertools.chain`, callable and with `chain.from_iterable`.
final class ChainType: ScriptObject {
    let function: BuiltinFunction
    init(_ function: BuiltinFunction) { self.function = function }
    var typeName: String { "type" }
    func call(_ args: Arguments, in interp: Interpreter) throws -> Value { try function.call(args, in: interp) }
    func attribute(_ name: String, in interp: Interpreter) throws -> Value? {
        guard name == "from_iterable" else { return nil }
        return .object(BuiltinFunction("from_iterable") { [function] args, i in
            try args.expectPositional("from_iterable", min: 1)
            return try function.call(Arguments(try i.iterate(args.positional[0])), in: i)
        })
    }
    func repr(in interp: Interpreter) throws -> String { "<class 'itertools.chain'>" }
}
