#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` on a thread with a large stack and waits for it. The interpreter recurses on the
/// native stack (one Swift frame chain per script call), so deep but legal recursion — up to
/// the recursion limit — needs more than the 8 MiB a main thread has.
public func runOnLargeStack<T>(stackSize: Int = 1 << 30, _ body: @escaping () -> T) -> T {
    var result: T?
    let box = LargeStackBox()
    box.body = { result = body() }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setstacksize(&attributes, stackSize)
    let context = Unmanaged.passRetained(box).toOpaque()
    #if canImport(Glibc)
    var thread = pthread_t()
    #else
    var thread: pthread_t?
    #endif
    let status = pthread_create(&thread, &attributes, { raw in
        let box = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! LargeStackBox
        box.body?()
        return nil
    }, context)
    pthread_attr_destroy(&attributes)
    if status != 0 {
        // Could not create the thread: run here (deep recursion may then hit the smaller stack).
        Unmanaged<AnyObject>.fromOpaque(context).release()
        return body()
    }
    #if canImport(Glibc)
    pthread_join(thread, nil)
    #else
    if let thread { pthread_join(thread, nil) }
    #endif
    return result!
}

private final class LargeStackBox: @unchecked Sendable {
    var body: (() -> Void)?
}
