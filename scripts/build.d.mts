// Types of scripts/build.mjs for the TypeScript that imports it (tests/global-setup.ts).
export declare const OUT_DIR: string;
export declare function newestInput(): number;
export declare function isFresh(): boolean;
export declare function build(): Promise<string[]>;
export declare function ensureBuilt(): Promise<boolean>;
