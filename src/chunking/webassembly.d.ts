// The few WebAssembly globals cut-wasm.ts uses (Node has them; @types/node 20 does not declare them
// without the DOM lib, which this package must not pull in).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
