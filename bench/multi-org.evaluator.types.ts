/**
 * The shape of the generated evaluator the benchmark imports at run time (the real module is emitted
 * into a temporary folder, so its types are not available to the type-checker here).
 */
export declare function hasCapability(role: number, capability: number): boolean;
export declare function canTransition(actorRole: number, fromRole: number, toRole: number): boolean;
export declare function authorize(state: never, action: never): { allowed: boolean; rule: string; reason: string };
export declare function prepareState(state: never): never;
