/** The dist/ file that records which sources the last build compiled. */
export declare const STAMP_FILE: string;
/** sha256 over the path and bytes of every compiled source under `root`. */
export declare function sourceStamp(root: string): string;
/** dist/cli/main.js under `root` when it was built from the current sources, else null. */
export declare function freshBuild(root: string): string | null;
