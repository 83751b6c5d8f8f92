import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project README, read on each call (specs check the file as it is now). */
export function readmeText(): string {
  return readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
}

/**
 * The README section from `<!-- section:NAME -->` to the next `## ` heading (or the end).
 * Throws when the marker is missing.
 */
export function readmeSection(name: string): string {
  const readme = readmeText();
  const start = readme.indexOf(`<!-- section:${name} -->`);
  if (start < 0)
    throw new Error(`README has no <!-- section:${name} --> marker`);
  const end = readme.indexOf('\n## ', start);
  return readme.slice(start, end < 0 ? undefined : end);
}

/**
 * The README text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. Throws when either
 * marker is missing or they are out of order.
 */
export function readmeBlock(name: string): string {
  const readme = readmeText();
  const start = readme.indexOf(`<!-- ${name}:start -->`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < start)
    throw new Error(
      `README needs <!-- ${name}:start --> followed by <!-- ${name}:end -->`,
    );
  return readme.slice(start, end);
}
