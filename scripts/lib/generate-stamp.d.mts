export declare const STAMP_FILE: string;
export declare function inputsHash(root?: string): string;
export declare function outputsFingerprint(root?: string): string;
export declare function upToDate(root?: string): string | undefined;
export declare function writeStamp(inputs: string, root?: string): void;
