#!/usr/bin/env node
/**
 * `rfs-rules`: writes the alert rules of a Nest application as a Prometheus rule file.
 *
 *   rfs-rules export --module dist/app.module.js [--export AppModule] [--group orders]
 *                    [--interval 30s] [--out rules.yml]
 *
 * It loads the compiled module file, creates a Nest application context (no HTTP server),
 * reads the rules `ResultAlertService` resolved from the app's own `RfsModule` options
 * (defaults, `alerts.rules`, and rules added during bootstrap), and prints the YAML.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getRfsOptionsToken } from '../../rfs-options.provider';
import type { RfsModuleOptions } from '../../rfs.options';
import { toPrometheusRules } from '../prometheus-rules';
import { ResultAlertService } from '../result-alert.service';

/** Parsed `rfs-rules export` arguments. */
export interface RfsRulesArgs {
  module: string;
  exportName?: string;
  group?: string;
  interval?: string;
  out?: string;
}

const USAGE = `Usage: rfs-rules export --module <compiled module file> [--export <ModuleClass>] [--group <name>] [--interval <duration>] [--out <file>]

  --module    path of the JavaScript file exporting your root module (e.g. dist/app.module.js)
  --export    exported class name (default: AppModule, else the only exported Nest module)
  --group     rule group name (default: the RfsModule serviceName)
  --interval  evaluation interval of the group, e.g. 30s (default: Prometheus' global one)
  --out       write to this file instead of stdout`;

/** Parses argv (without `node` and the script); throws a usage sentence on bad input. */
export function parseRfsRulesArgs(argv: readonly string[]): RfsRulesArgs {
  const [command, ...rest] = argv;
  if (command !== 'export')
    throw new Error(
      `${command ? `Unknown command '${command}'. ` : ''}${USAGE}`,
    );
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
    if (!m || !['module', 'export', 'group', 'interval', 'out'].includes(m[1]))
      throw new Error(`Unknown argument '${a}'.\n${USAGE}`);
    const value = m[2] ?? rest[++i];
    if (value === undefined || value.startsWith('--'))
      throw new Error(`--${m[1]} needs a value.\n${USAGE}`);
    flags[m[1]] = value;
  }
  if (!flags.module) throw new Error(`--module is required.\n${USAGE}`);
  return {
    module: flags.module,
    exportName: flags.export,
    group: flags.group,
    interval: flags.interval,
    out: flags.out,
  };
}

function isNestModule(v: unknown): v is Type<unknown> {
  return (
    typeof v === 'function' &&
    Reflect.getMetadataKeys(v).some((k) =>
      ['imports', 'providers', 'controllers', 'exports'].includes(String(k)),
    )
  );
}

/** Loads the module class named by `args` from its file. */
export function loadModuleClass(args: RfsRulesArgs): Type<unknown> {
  const file = resolve(process.cwd(), args.module);
  // A user's compiled file, chosen at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(file) as Record<string, unknown>;
  if (args.exportName) {
    const m = exports[args.exportName];
    if (!isNestModule(m))
      throw new Error(
        `${file} has no exported Nest module named '${args.exportName}' (exports: ${Object.keys(exports).join(', ') || 'none'}).`,
      );
    return m;
  }
  if (isNestModule(exports.AppModule)) return exports.AppModule;
  const modules = Object.entries(exports).filter(([, v]) => isNestModule(v));
  if (modules.length !== 1)
    throw new Error(
      `${file} exports ${modules.length === 0 ? 'no Nest module' : `several Nest modules (${modules.map(([k]) => k).join(', ')})`}; name one with --export <ModuleClass>.`,
    );
  return modules[0][1] as Type<unknown>;
}

/** Builds the rule file of the application described by `args`. */
export async function exportRules(args: RfsRulesArgs): Promise<string> {
  const moduleClass = loadModuleClass(args);
  const app = await NestFactory.createApplicationContext(moduleClass, {
    logger: ['error'],
    abortOnError: false,
  });
  try {
    let service: ResultAlertService;
    try {
      service = app.get(ResultAlertService, { strict: false });
    } catch {
      throw new Error(
        `${moduleClass.name} does not import RfsModule (no ResultAlertService found); import RfsModule.forRoot() in it.`,
      );
    }
    const options = app.get<RfsModuleOptions>(getRfsOptionsToken(), {
      strict: false,
    });
    return toPrometheusRules(service.getRules(), {
      groupName: args.group ?? options.serviceName,
      interval: args.interval,
      prefix: options.metrics === false ? 'rfs_' : options.metrics.prefix,
    });
  } finally {
    await app.close();
  }
}

/** Entry point; returns the process exit code. */
export async function main(
  argv: readonly string[],
  stdout: (s: string) => void = (s) => process.stdout.write(s),
  stderr: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    const args = parseRfsRulesArgs(argv);
    const yaml = await exportRules(args);
    if (args.out) writeFileSync(args.out, yaml);
    else stdout(yaml);
    return 0;
  } catch (err) {
    stderr(`rfs-rules: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // Exit once stdout is flushed, even if the application left handles open.
  void main(process.argv.slice(2)).then((code) => {
    process.stdout.write('', () => process.exit(code));
  });
}
