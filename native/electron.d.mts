// Types for native/electron.mjs, so TypeScript callers (the Electron e2e test) share its lookup.
export declare const REPO_ROOT: string;

export type ElectronLookup =
  | { found: true; path: string; version: string; packageDir: string }
  | { found: false; reason: string };

export interface NativeModule {
  name: string;
  binary: string;
}

export declare function findElectron(root?: string): ElectronLookup;
export declare function electronAbi(electron: { path: string; version: string; packageDir: string }): string;
export declare function electronBuildDir(abi: string, root?: string): string;
export declare function nativeModules(root?: string): NativeModule[];
export declare function builtBinaryName(module: NativeModule): string;
