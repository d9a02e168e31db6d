#!/usr/bin/env node
// Smoke check that the committed marble diagrams really draw: opens each
// docs/diagrams/*.svg in headless Chromium (Debian's, through puppeteer-core),
// screenshots it to a PNG in a temp dir and fails unless the picture loaded at
// its declared size and has ink (more than one colour, and enough non-white
// pixels). `npm run diagrams:render`; `--out DIR` keeps the PNGs there.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'docs', 'diagrams');
const outIndex = process.argv.indexOf('--out');
const keep = outIndex >= 0 ? path.resolve(process.argv[outIndex + 1] ?? '') : undefined;

const executablePath = execFileSync('bash', [path.join(root, 'scripts', 'ensure-chromium.sh')], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
}).trim();

const files = (await readdir(dir)).filter((name) => name.endsWith('.svg')).sort();
if (files.length === 0) throw new Error(`no SVG in ${dir}`);

const profile = await mkdtemp(path.join(os.tmpdir(), 'rxjs-as-completed-chromium-'));
const pngDir = keep ?? (await mkdtemp(path.join(os.tmpdir(), 'rxjs-as-completed-png-')));
if (keep) await mkdir(keep, { recursive: true });
const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ],
});

const failures = [];
try {
  const page = await browser.newPage();
  for (const file of files) {
    const svg = await readFile(path.join(dir, file), 'utf8');
    const size = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
    if (!size) {
      failures.push(`${file}: no width/height on <svg>`);
      continue;
    }
    const [width, height] = [Number(size[1]), Number(size[2])];
    await page.setViewport({ width, height, deviceScaleFactor: 1 });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:#000"><img id="d" src="${src}"></body></html>`,
    );
    // Draws the loaded image into a canvas and counts what is on it.
    const stats = await page.evaluate(async () => {
      const img = document.getElementById('d');
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set();
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) ink++;
      }
      return {
        width: img.naturalWidth,
        height: img.naturalHeight,
        colours: colours.size,
        ink: ink / (data.length / 4),
      };
    });
    const png = await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width, height } });
    const pngPath = path.join(pngDir, file.replace(/\.svg$/, '.png'));
    await writeFile(pngPath, png);
    const problems = [];
    if (stats.width !== width || stats.height !== height) {
      problems.push(`drew at ${stats.width}x${stats.height}, declared ${width}x${height}`);
    }
    if (stats.colours < 3) problems.push(`only ${stats.colours} colour(s)`);
    if (stats.ink < 0.01) problems.push(`almost blank (${(stats.ink * 100).toFixed(2)} % ink)`);
    if (png.length < 1000) problems.push(`PNG of ${png.length} bytes`);
    const summary = `${width}x${height}, ${stats.colours} colours, ${(stats.ink * 100).toFixed(1)} % ink, PNG ${png.length} B`;
    if (problems.length > 0) failures.push(`${file}: ${problems.join('; ')} (${summary})`);
    else console.log(`diagrams:render ${file}: ok (${summary})`);
  }
} finally {
  await browser.close();
  await rm(profile, { recursive: true, force: true });
  if (!keep) await rm(pngDir, { recursive: true, force: true });
}

for (const failure of failures) console.error(`diagrams:render ${failure}`);
if (keep) console.log(`PNGs in ${pngDir}`);
console.log(
  failures.length === 0
    ? `diagrams:render: all ${files.length} SVGs draw in Chromium`
    : `diagrams:render: ${failures.length} failed`,
);
process.exitCode = failures.length === 0 ? 0 : 1;
