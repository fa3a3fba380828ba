import Hub
import Script

/// Installs the library into an interpreter: `torch` (+ `torch.nn.functional`, `torch.cuda`), `numpy`,
/// `transformers` and `PIL.Image`, each with the Python spellings the guides use.
public enum ScriptLibrary {
    /// - Parameter hub: where `from_pretrained` and `pipeline` look for models; by default the environment's
    ///   Hugging Face cache (`HF_HUB_CACHE`, `HF_HOME`, offline mode…). Tests pass their own.
    public static func install(in interp: Interpreter, hub: Hub = Hub()) {
        interp.registerModule("torch") { _ in TorchModule.make() }
        interp.registerModule("torch.nn") { _ in TorchModule.makeNN() }
        interp.registerModule("torch.nn.functional") { _ in FunctionalModule.make() }
        interp.registerModule("torch.cuda") { _ in TorchModule.makeCuda() }
        interp.registerModule("numpy") { _ in NumpyModule.make() }
        interp.registerModule("transformers") { _ in TransformersModule.make(hub: hub) }
        interp.registerModule("PIL") { _ in ImageModule.makePackage() }
        interp.registerModule("PIL.Image") { _ in ImageModule.make() }
    }
}
