// What an import of the vscode module finds inside extension/engine/ (see "paths" in tsconfig.json):
// nothing. The engine runs outside VS Code — in the CLI, the worker processes and the unit tests —
// so the compiler refuses any name taken from the vscode module here. Glue that needs VS Code belongs in
// extension/, which may import the engine.
export {};
