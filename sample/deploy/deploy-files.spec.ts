import { NestFactory } from '@nestjs/core';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResultAlertService, toPrometheusRules } from 'nestjs-rfs';
import { AppModule } from '../app.module';

const DEPLOY = __dirname;
const ROOT = join(__dirname, '..', '..');
const promtool = spawnSync('promtool', ['--version']).status === 0;

/** The rules of the sample's own AppModule, exported the way `rfs-rules export` does. */
async function sampleRules(): Promise<string> {
  process.env.DB_PATH = ':memory:'; // read when the database provider is created
  const app = await NestFactory.createApplicationContext(AppModule, {
    logger: false,
  });
  try {
    return toPrometheusRules(app.get(ResultAlertService).getRules(), {
      groupName: 'orders-sample',
      interval: '15s',
    });
  } finally {
    await app.close();
  }
}

describe('sample deployment files', () => {
  let generated: string;
  beforeAll(async () => {
    generated = await sampleRules();
  });

  it('rfs-rules.yml is what the sample exports now (regenerate it with rfs-rules when rules change)', () => {
    expect(readFileSync(join(DEPLOY, 'rfs-rules.yml'), 'utf8')).toBe(generated);
  });

  it('the README shows the same rule file', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('```yaml\n' + generated + '```');
  });

  (promtool ? it : it.skip)(
    'promtool accepts the Prometheus config and its rules',
    () => {
      const run = spawnSync(
        'promtool',
        ['check', 'config', join(DEPLOY, 'prometheus.yml')],
        { encoding: 'utf8' },
      );
      expect(`${run.stdout}${run.stderr}`).toContain('SUCCESS');
      expect(run.status).toBe(0);
    },
  );
});
