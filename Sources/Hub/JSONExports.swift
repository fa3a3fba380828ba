// Configs are JSON documents: everything that imports Hub reads them with the shared `JSON` target's types.
@_exported import JSON
