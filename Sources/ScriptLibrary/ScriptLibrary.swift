import Script

/// Installs the library into an interpreter: `torch` (+ `torch.nn.functional`, `torch.cuda`) and `numpy`, with the
/// transformers, PIL and processor bindings registering here as they land.
public enum ScriptLibrary {
    public static func install(in interp: Interpreter) {
        interp.registerModule("torch") { _ in TorchModule.make() }
        interp.registerModule("torch.nn") { _ in TorchModule.makeNN() }
        interp.registerModule("torch.nn.functional") { _ in FunctionalModule.make() }
        interp.registerModule("torch.cuda") { _ in TorchModule.makeCuda() }
        interp.registerModule("numpy") { _ in NumpyModule.make() }
    }
}
