/**
 * The HTML report as a browser shows it: rendered by headless Chromium (Debian's chromium) with
 * the network off, screenshot decoded, and the charts' reference and current colours found in
 * the pixels. Skipped, saying so, where Chromium is not installed (CI installs it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { driftOfFiles } from '../../src/batch/file-drift.js';
import { openTable } from '../../src/batch/readers/open-table.js';
import { reportHtml } from '../../src/cli/report-html.js';
import { decodePng } from '../helpers/png.js';
import { FLIGHTS_3M } from '../helpers/tables.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const dir = mkdtempSync(join(tmpdir(), 'mlwatch-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment without the sanitizer preload CI sets for the addon (not meant for a browser). */
const BROWSER_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'LD_PRELOAD'));

/** Chromium headless without any network use, as a locked-down machine runs it. */
function chromium(args: string[]): string {
  return execFileSync(
    CHROMIUM!,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`, '--hide-scrollbars', ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000, env: BROWSER_ENV },
  );
}

describe.skipIf(!CHROMIUM)(`the HTML report in headless Chromium${CHROMIUM ? '' : ' (skipped: no chromium installed; apt-get install chromium)'}`, () => {
  it('renders the flights report: summary rows, and both distributions drawn in every chart', async () => {
    const source = await openTable(FLIGHTS_3M);
    const report = await driftOfFiles(source, source, { include: ['delay', 'distance', 'origin'], referenceFilters: ['date<2001-02-01'], currentFilters: ['date>=2001-06-01'] });
    const page = join(dir, 'report.html');
    writeFileSync(page, reportHtml(report));

    const dom = chromium(['--dump-dom', `file://${page}`]);
    expect(dom.match(/<tr class=/g)).toHaveLength(3);
    expect(dom.match(/<svg /g)).toHaveLength(3);

    const png = process.env.MLWATCH_SCREENSHOT ?? join(dir, 'report.png');
    chromium(['--window-size=1200,1600', `--screenshot=${png}`, `file://${page}`]);
    const image = decodePng(readFileSync(png));
    expect([image.width, image.height]).toEqual([1200, 1600]);
    // count pixels near the bar colours (blended over white at the charts' opacity, or
    // overlapping) below the summary table, where only the charts are
    let blue = 0;
    let orange = 0;
    for (let y = 450; y < image.height; y += 2) {
      for (let x = 0; x < image.width; x += 2) {
        const [r, g, b] = image.rgb(x, y);
        if (b > r + 40 && b > g + 10) blue++;
        if (r > b + 60 && r > g + 20) orange++;
      }
    }
    console.log(`chart pixels (every 2nd row and column): ${blue} blue, ${orange} orange`);
    expect(blue).toBeGreaterThan(1000);
    expect(orange).toBeGreaterThan(1000);
  });
});
