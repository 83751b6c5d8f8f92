import { createHash } from 'node:crypto';
import { DASHBOARD_PAGE, DASHBOARD_PAGE_CSP } from './dashboard-page';

function inline(tag: 'script' | 'style'): string {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(DASHBOARD_PAGE);
  if (!m) throw new Error(`no inline ${tag}`);
  return m[1];
}

const hash = (text: string) =>
  `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('dashboard page', () => {
  it('allows exactly its own inline script and style in the CSP', () => {
    expect(DASHBOARD_PAGE_CSP).toContain(
      `script-src ${hash(inline('script'))}`,
    );
    expect(DASHBOARD_PAGE_CSP).toContain(`style-src ${hash(inline('style'))}`);
    expect(DASHBOARD_PAGE_CSP).toContain("connect-src 'self'");
  });

  it('loads nothing from elsewhere and never renders data as HTML', () => {
    expect(DASHBOARD_PAGE).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(inline('script')).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write/,
    );
  });

  it('polls the JSON route next to it every 2 s', () => {
    const script = inline('script');
    expect(script).toContain('setInterval(load, 2000)');
    expect(script).toContain("location.pathname.replace(/\\/ui\\/?$/, '')");
  });
});
