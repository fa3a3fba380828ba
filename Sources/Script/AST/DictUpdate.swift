// MARK: - The counting idiom `d[k] = d.get(k, default) op v`
//
// Counting and accumulating into a dict is the most common dict loop in scripts. Run as written it
// evaluates `d` and `k` twice, builds a bound-method call and hashes the key twice (once for `get`,
// once for the store). When the dict and the key are plain names and the default and the operand
// have no side effects, the statement can evaluate each once and hash the key once, with the
// same result and the same errors as the general path.

/// The recognized parts of `d[k] = d.get(k[, default]) op v`, held by ``AssignStmt``.
final class DictUpdate {
    let dict: NameExpr
    let key: Expr
    let defaultValue: Expr?
    let combine: BinaryExpr

    /// Recognizes the idiom; nil for any other assignment.
    init?(target: Expr, value: Expr) {
        guard let sub = target as? SubscriptExpr, let dict = sub.object as? NameExpr,
              isPure(sub.index),
              let combine = value as? BinaryExpr, let call = combine.left as? CallExpr,
              call.hot == .get, let arguments = call.simple, let method = call.attribute,
              let owner = method.object as? NameExpr, owner.name == dict.name,
              isSameName(arguments[0], sub.index), isPure(combine.right)
        else { return nil }
        if arguments.count == 2, !isPure(arguments[1]) { return nil }
        self.dict = dict
        self.key = sub.index
        self.defaultValue = arguments.count == 2 ? arguments[1] : nil
        self.combine = combine
    }

    /// Runs the update when `d` is a dict; returns false (having evaluated nothing with side
    /// effects) when it is anything else, so the statement takes its general path.
    @inline(__always)
    func run(_ i: Interpreter) throws -> Bool {
        guard case .dict(let d) = try dict.eval(i) else { return false }
        let k = try key.eval(i)
        let fallback = try defaultValue?.eval(i) ?? .none
        let hash = try combine.located { try keyHash(k) }
        let current = (d.count != 0 ? d.get(k, hash: hash) : nil) ?? fallback
        let operand = try combine.right.eval(i)
        if case .int(let a) = current, case .int(let b) = operand, combine.op == .add {
            let (r, overflow) = a.addingReportingOverflow(b)
            if !overflow {
                d.set(k, .int(r), hash: hash)
                return true
            }
        }
        let result = try combine.located { try i.binary(combine.op, current, operand) }
        d.set(k, result, hash: hash)
        return true
    }
}

/// Names and constants: evaluating them again or in another order changes nothing.
private func isPure(_ e: Expr) -> Bool { e is NameExpr || e is ConstantExpr }

private func isSameName(_ a: Expr, _ b: Expr) -> Bool {
    if let x = a as? NameExpr, let y = b as? NameExpr { return x.name == y.name }
    return false
}
