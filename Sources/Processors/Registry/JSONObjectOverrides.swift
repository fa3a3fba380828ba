import Hub

/// Call-time keyword arguments of an image processor (`size=…`, `do_center_crop=False`), as JSON. A name of its
/// own so files that also import `Tokenizers` (which has a JSON type of the same name) can spell it.
public typealias JSONObjectOverrides = JSONObject
