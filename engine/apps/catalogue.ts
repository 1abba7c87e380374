/**
 * The built-in apps, by name: what `tracefold run <name>` and `tracefold apps` see.
 * A plain array in the order `tracefold apps` lists them; names are unique.
 */
import type { App } from './app';
import { compute } from './compute';
import { isolation } from './isolation';
import { multiqueue } from './multiqueue';
import { sharing } from './sharing';
import { stress } from './stress';
import { streaming } from './streaming';
import { triangle } from './triangle';
import { vkcube } from './vkcube';

export const APPS: readonly App[] = [
  triangle,
  vkcube,
  compute,
  multiqueue,
  sharing,
  stress,
  streaming,
  isolation,
];

export function appByName(name: string): App | undefined {
  return APPS.find((a) => a.name === name);
}
