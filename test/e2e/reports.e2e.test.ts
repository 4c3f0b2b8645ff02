/**
 * Renders the three sample reports (recorded API answers, test/support/report-world.ts) in headless Chromium
 * (Debian's `chromium` with `fonts-noto-cjk`, driven by puppeteer-core): no table overflows the page, every image
 * loaded, the Japanese text renders in a CJK font. Screenshots go to reports/screenshots/; with
 * UPDATE_REPORT_SCREENSHOTS=1 they also replace the committed samples under docs/reports/.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodContaining } from '../../lib/reports/period.js';
import { renderHtml } from '../../lib/reports/render.js';
import { buildReport } from '../../lib/reports/report.js';
import type { Cadence } from '../../lib/reports/types.js';
import { NOW, world } from '../support/report-world.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SAMPLES: [Cadence, string][] = [
  ['daily', '2026-12-01'],
  ['weekly', '2026-11-30'],
  ['monthly', '2026-11-01'],
];

/** Runs in the page (a string, so the test compiles without DOM types): tables inside the page, images loaded. */
const CHECK_PAGE = `(() => {
  const doc = document.documentElement;
  const overflowing = [...document.querySelectorAll('table')]
    .filter((t) => {
      const parent = t.parentElement.getBoundingClientRect();
      const box = t.getBoundingClientRect();
      return box.right > parent.right + 1 || t.scrollWidth > t.clientWidth + 1;
    })
    .map((t) => (t.querySelector('caption') || {}).textContent || t.rows[0].textContent);
  const images = [...document.images].map((i) => ({ alt: i.alt, ok: i.complete && i.naturalWidth > 0 }));
  return { overflowing, images, pageOverflow: doc.scrollWidth > doc.clientWidth + 1 };
})()`;

interface PageCheck {
  overflowing: string[];
  images: { alt: string; ok: boolean }[];
  pageOverflow: boolean;
}

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk (.ci/run does)`);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('sample reports in headless Chromium', () => {
  for (const [cadence, date] of SAMPLES) {
    it(`${cadence}: no overflowing table, no missing image, CJK font, screenshot`, async () => {
      const w = world();
      let html: string;
      try {
        const { model, images } = await buildReport(w.cfg, periodContaining(cadence, date), w.sources, NOW);
        html = renderHtml(
          model,
          images,
          'data',
          `https://ap-northeast-1.console.aws.amazon.com/s3/object/ses-migration-production-ses-archive-123456789012?region=ap-northeast-1&prefix=reports/${cadence}/${date}/report.html`,
        );
      } finally {
        w.restore();
      }
      const page = await browser.newPage();
      try {
        // A phone-sized mail client is the narrow case; tables must wrap inside the page, not overflow.
        for (const width of [390, 800]) {
          await page.setViewport({ width, height: 900 });
          await page.setContent(html, { waitUntil: 'load' });
          const check = (await page.evaluate(CHECK_PAGE)) as PageCheck;
          expect(check.overflowing, `width ${width}`).toEqual([]);
          expect(check.pageOverflow, `width ${width}`).toBe(false);
          expect(check.images.length).toBeGreaterThan(0);
          expect(check.images.filter((i) => !i.ok)).toEqual([]);
        }
        // The heading is drawn with a CJK font (Noto Sans CJK), not as tofu boxes of a Latin fallback.
        const cdp = await page.createCDPSession();
        await cdp.send('DOM.enable');
        await cdp.send('CSS.enable');
        const { root } = await cdp.send('DOM.getDocument');
        const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'h1' });
        const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
        expect(fonts.map((f) => f.familyName).join(',')).toMatch(/Noto Sans CJK/);
        await page.setViewport({ width: 800, height: 900 });
        const png = await page.screenshot({ fullPage: true, type: 'png' });
        mkdirSync('reports/screenshots', { recursive: true });
        writeFileSync(`reports/screenshots/report-${cadence}.png`, png);
        if (process.env.UPDATE_REPORT_SCREENSHOTS === '1')
          writeFileSync(`docs/reports/report-${cadence}.png`, png);
        expect(png.length).toBeGreaterThan(10_000);
      } finally {
        await page.close();
      }
    }, 60_000);
  }
});
