// Types of node-runtime.js (plain JS: it runs before anything is compiled).
export declare const SUPPORTED_MAJORS: readonly number[];
export declare const PINNED_NODE: string;
export declare function isSupported(version?: string): boolean;
export declare function cacheDirectory(): string;
export declare function pinnedNodeBin(): string;
export declare function supportedNodeBin(): string;
export declare function runOnSupportedNode(): Promise<void>;
export declare function runOnSupportedNodeSync(): void;
