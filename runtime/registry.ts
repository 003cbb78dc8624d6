/**
 * Lookups over the capability registry (the data itself lives in stdlib/capabilities.ts).
 */
import { capabilities, PRIVATE_USE_MAX, PRIVATE_USE_MIN, type CapabilityInfo } from '../stdlib/capabilities.js';

export { capabilities, PRIVATE_USE_MAX, PRIVATE_USE_MIN, type CapabilityInfo };

export const capabilityByName: ReadonlyMap<string, CapabilityInfo> = new Map(capabilities.map((c) => [c.name, c]));
export const capabilityByCode: ReadonlyMap<number, CapabilityInfo> = new Map(capabilities.map((c) => [c.code, c]));

export const isPrivateUse = (code: number): boolean => code >= PRIVATE_USE_MIN && code <= PRIVATE_USE_MAX;

/** `0x000a` */
export const hex16 = (code: number): string => `0x${code.toString(16).padStart(4, '0')}`;

/** A capability's registry name, or its hex code when it has none. */
export const capabilityName = (code: number, declared?: ReadonlyMap<number, string>): string =>
  capabilityByCode.get(code)?.name ?? declared?.get(code) ?? hex16(code);
