// MARK: - Docstrings of builtins
//
// What `len?`, `help(len)`, `"".split?` and `list.append?` show: the first lines of CPython's
// docstrings for the builtin functions, types and the methods of str, list, dict, set and tuple.

enum BuiltinDocs {
    static let functions: [String: String] = [
        "print": "Prints the values to a stream, or to sys.stdout by default.\n\n  sep\n    string inserted between values, default a space.\n  end\n    string appended after the last value, default a newline.\n  file\n    a file-like object (stream); defaults to the current sys.stdout.\n  flush\n    whether to forcibly flush the stream.",
        "len": "Return the number of items in a container.",
        "repr": "Return the canonical string representation of the object.\n\nFor many object types, including most builtins, eval(repr(obj)) == obj.",
        "ascii": "Return an ASCII-only representation of an object.",
        "format": "Return type(value).__format__(value, format_spec)\n\nMany built-in types implement format_spec according to the\nFormat Specification Mini-language.",
        "range": "range(stop) -> range object\nrange(start, stop[, step]) -> range object\n\nReturn an object that produces a sequence of integers from start (inclusive)\nto stop (exclusive) by step.",
        "enumerate": "Return an enumerate object.\n\n  iterable\n    an object supporting iteration\n\nThe enumerate object yields pairs containing a count (from start, which\ndefaults to zero) and a value yielded by the iterable argument.",
        "zip": "zip(*iterables, strict=False) --> Yield tuples until an input is exhausted.",
        "sorted": "Return a new list containing all items from the iterable in ascending order.\n\nA custom key function can be supplied to customize the sort order, and the\nreverse flag can be set to request the result in descending order.",
        "reversed": "Return a reverse iterator over the values of the given sequence.",
        "min": "min(iterable, *[, default=obj, key=func]) -> value\nmin(arg1, arg2, *args, *[, key=func]) -> value\n\nWith a single iterable argument, return its smallest item.",
        "max": "max(iterable, *[, default=obj, key=func]) -> value\nmax(arg1, arg2, *args, *[, key=func]) -> value\n\nWith a single iterable argument, return its biggest item.",
        "sum": "Return the sum of a 'start' value (default: 0) plus an iterable of numbers",
        "abs": "Return the absolute value of the argument.",
        "round": "Round a number to a given precision in decimal digits.\n\nThe return value is an integer if ndigits is omitted or None.  Otherwise\nthe return value has the same type as the number.",
        "divmod": "Return the tuple (x//y, x%y).  Invariant: div*y + mod == x.",
        "pow": "Equivalent to base**exp with 2 arguments or base**exp % mod with 3 arguments",
        "isinstance": "Return whether an object is an instance of a class or of a subclass thereof.",
        "issubclass": "Return whether 'cls' is derived from another class or is the same class.",
        "hasattr": "Return whether the object has an attribute with the given name.",
        "getattr": "getattr(object, name[, default]) -> value\n\nGet a named attribute from an object; getattr(x, 'y') is equivalent to x.y.",
        "setattr": "Sets the named attribute on the given object to the specified value.",
        "delattr": "Deletes the named attribute from the given object.",
        "any": "Return True if bool(x) is True for any x in the iterable.\n\nIf the iterable is empty, return False.",
        "all": "Return True if bool(x) is True for all values x in the iterable.\n\nIf the iterable is empty, return True.",
        "map": "map(func, *iterables) --> map object\n\nMake an iterator that computes the function using arguments from\neach of the iterables.",
        "filter": "filter(function or None, iterable) --> filter object\n\nReturn an iterator yielding those items of iterable for which function(item)\nis true. If function is None, return the items that are true.",
        "iter": "iter(iterable) -> iterator\n\nGet an iterator from an object.",
        "next": "next(iterator[, default])\n\nReturn the next item from the iterator. If default is given and the iterator\nis exhausted, it is returned instead of raising StopIteration.",
        "id": "Return the identity of an object.",
        "hash": "Return the hash value for the given object.",
        "chr": "Return a Unicode string of one character with ordinal i; 0 <= i <= 0x10ffff.",
        "ord": "Return the Unicode code point for a one-character string.",
        "hex": "Return the hexadecimal representation of an integer.",
        "oct": "Return the octal representation of an integer.",
        "bin": "Return the binary representation of an integer.",
        "callable": "Return whether the object is callable (i.e., some kind of function).",
        "help": "Define the builtin 'help'.\n\nCalling help(thing) prints help for the thing (its signature and docstring).",
        "dir": "dir([object]) -> list of strings\n\nWithout arguments, return the list of names in the current scope.\nWith an argument, return an alphabetized list of its attributes.",
        "vars": "vars([object]) -> dictionary\n\nWithout arguments, equivalent to locals().\nWith an argument, equivalent to object.__dict__.",
        "globals": "Return the dictionary containing the current scope's global variables.",
        "locals": "Return a dictionary containing the current scope's local variables.",
        "open": "Open file and return a stream.  Raise OSError upon failure.\n\n.sfs opens text files: mode 'r' (default), 'w', 'a', with an optional encoding.",
        "input": "Read a string from standard input.  The trailing newline is stripped.\n\nThe prompt string, if given, is printed to standard output without a\ntrailing newline before reading input.",
        "exit": "Exit the interpreter (with an optional status code).",
        "quit": "Exit the interpreter (with an optional status code).",
        "super": "super() -> same as super(__class__, <first argument>)",
    ]

    static let types: [String: String] = [
        "int": "int([x]) -> integer\nint(x, base=10) -> integer\n\nConvert a number or string to an integer, or return 0 if no arguments\nare given.  .sfs ints are 64-bit.",
        "float": "Convert a string or number to a floating point number, if possible.",
        "str": "str(object='') -> str\n\nCreate a new string object from the given object.",
        "bool": "bool(x) -> bool\n\nReturns True when the argument x is true, False otherwise.",
        "list": "Built-in mutable sequence.\n\nIf no argument is given, the constructor creates a new empty list.\nThe argument must be an iterable if specified.",
        "tuple": "Built-in immutable sequence.\n\nIf no argument is given, the constructor returns an empty tuple.\nIf iterable is specified the tuple is initialized from iterable's items.",
        "dict": "dict() -> new empty dictionary\ndict(mapping) -> new dictionary initialized from a mapping object's (key, value) pairs\ndict(iterable) -> new dictionary initialized from (key, value) pairs\ndict(**kwargs) -> new dictionary initialized with the name=value pairs",
        "set": "set() -> new empty set object\nset(iterable) -> new set object\n\nBuild an unordered collection of unique elements.",
        "frozenset": "frozenset() -> empty frozenset object\nfrozenset(iterable) -> frozenset object\n\nBuild an immutable unordered collection of unique elements.",
        "type": "type(object) -> the object's type",
        "object": "The base class of the class hierarchy.",
    ]

    static let methods: [String: String] = [
        // str
        "str.upper": "Return a copy of the string converted to uppercase.",
        "str.lower": "Return a copy of the string converted to lowercase.",
        "str.strip": "Return a copy of the string with leading and trailing whitespace removed.\n\nIf chars is given and not None, remove characters in chars instead.",
        "str.lstrip": "Return a copy of the string with leading whitespace removed.",
        "str.rstrip": "Return a copy of the string with trailing whitespace removed.",
        "str.split": "Return a list of the substrings in the string, using sep as the separator string.\n\n  sep\n    The separator used to split the string (None: any whitespace).\n  maxsplit\n    Maximum number of splits (-1: no limit).",
        "str.join": "Concatenate any number of strings.\n\nThe string whose method is called is inserted in between each given string.",
        "str.replace": "Return a copy with all occurrences of substring old replaced by new.",
        "str.startswith": "S.startswith(prefix[, start[, end]]) -> bool\n\nReturn True if S starts with the specified prefix, False otherwise.",
        "str.endswith": "S.endswith(suffix[, start[, end]]) -> bool\n\nReturn True if S ends with the specified suffix, False otherwise.",
        "str.find": "S.find(sub[, start[, end]]) -> int\n\nReturn the lowest index in S where substring sub is found. Return -1 on failure.",
        "str.format": "S.format(*args, **kwargs) -> str\n\nReturn a formatted version of S, using substitutions from args and kwargs.",
        "str.count": "S.count(sub[, start[, end]]) -> int\n\nReturn the number of non-overlapping occurrences of substring sub.",
        // list
        "list.append": "Append object to the end of the list.",
        "list.extend": "Extend list by appending elements from the iterable.",
        "list.insert": "Insert object before index.",
        "list.pop": "Remove and return item at index (default last).\n\nRaises IndexError if list is empty or index is out of range.",
        "list.remove": "Remove first occurrence of value.\n\nRaises ValueError if the value is not present.",
        "list.index": "Return first index of value.\n\nRaises ValueError if the value is not present.",
        "list.count": "Return number of occurrences of value.",
        "list.sort": "Sort the list in ascending order and return None.\n\nThe sort is stable. key and reverse work as in sorted().",
        "list.reverse": "Reverse *IN PLACE*.",
        "list.copy": "Return a shallow copy of the list.",
        "list.clear": "Remove all items from list.",
        // dict
        "dict.get": "Return the value for key if key is in the dictionary, else default.",
        "dict.keys": "D.keys() -> a set-like object providing a view on D's keys",
        "dict.values": "D.values() -> an object providing a view on D's values",
        "dict.items": "D.items() -> a set-like object providing a view on D's items",
        "dict.pop": "D.pop(k[,d]) -> v, remove specified key and return the corresponding value.\n\nIf the key is not found, return the default if given; otherwise, raise a KeyError.",
        "dict.update": "D.update([E, ]**F) -> None.  Update D from dict/iterable E and F.",
        "dict.setdefault": "Insert key with a value of default if key is not in the dictionary.\n\nReturn the value for key if key is in the dictionary, else default.",
        "dict.copy": "D.copy() -> a shallow copy of D",
        "dict.clear": "D.clear() -> None.  Remove all items from D.",
        // set
        "set.add": "Add an element to a set.\n\nThis has no effect if the element is already present.",
        "set.discard": "Remove an element from a set if it is a member.",
        "set.remove": "Remove an element from a set; it must be a member.\n\nIf the element is not a member, raise a KeyError.",
        "set.union": "Return the union of sets as a new set.",
        "set.intersection": "Return the intersection of two sets as a new set.",
        // tuple
        "tuple.index": "Return first index of value.\n\nRaises ValueError if the value is not present.",
        "tuple.count": "Return number of occurrences of value.",
    ]
}

extension Interpreter {
    /// The docstring of a builtin function, builtin type or method of a built-in value (nil if
    /// there is none) — for `obj?` and `help(obj)`.
    public func builtinDoc(_ value: Value) -> String? {
        guard case .object(let o) = value else { return nil }
        if let f = o as? BuiltinFunction {
            if !f.doc.isEmpty { return f.doc }
            return BuiltinDocs.functions[f.name]
        }
        if let m = o as? BuiltinMethodObject { return BuiltinDocs.methods["\(m.receiver.typeName).\(m.name)"] }
        if let c = o as? ClassObject, builtinTypes[c.name] === c { return BuiltinDocs.types[c.name] }
        return nil
    }
}
