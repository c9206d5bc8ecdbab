/** Reading members of a JSON input, with the InvalidParameterException ECR gives for bad ones. */
import { invalidParameter } from './errors.js';

function constraint(member: string, what: string): never {
  throw invalidParameter(`Invalid parameter at '${member}' failed to satisfy constraint: '${what}'`);
}

export function requiredString(input: Record<string, unknown>, member: string): string {
  const v = input[member];
  if (typeof v !== 'string') constraint(member, 'must not be null');
  return v;
}

export function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') constraint(member, 'must be a string');
  return v;
}

export function requiredLong(input: Record<string, unknown>, member: string): number {
  const v = input[member];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) constraint(member, 'must not be null');
  if (v < 0) constraint(member, 'Member must have value greater than or equal to 0');
  return v;
}

/** An array member with between min and max entries. */
export function requiredList<T = unknown>(input: Record<string, unknown>, member: string, min: number, max: number): T[] {
  const v = input[member];
  if (!Array.isArray(v)) constraint(member, 'must not be null');
  if (v.length < min) constraint(member, `Member must have length greater than or equal to ${min}`);
  if (v.length > max) constraint(member, `Member must have length less than or equal to ${max}`);
  return v as T[];
}

export function requiredStringList(input: Record<string, unknown>, member: string, min: number, max: number): string[] {
  const list = requiredList(input, member, min, max);
  if (!list.every((s) => typeof s === 'string')) constraint(member, 'Member must contain only strings');
  return list as string[];
}
