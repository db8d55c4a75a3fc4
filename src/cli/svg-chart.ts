/**
 * Overlaid reference/current distribution charts as inline SVG: a histogram over shared bin
 * edges or bars per category, both as shares, with axis labels. Plain SVG, no script, so a
 * report opens anywhere without a network.
 */
import type { Distribution } from '../batch/distribution.js';
import { escapeMarkup } from './escape-markup.js';

const W = 560;
const H = 230;
const LEFT = 48;
const RIGHT = 12;
const TOP = 10;
const BOTTOM = 62;
const REFERENCE_COLOR = '#3b73b9';
const CURRENT_COLOR = '#e8743b';

/** A short label for an axis: up to 4 significant digits, exponent form for very large/small numbers. */
export function formatTick(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

function yAxis(max: number, plotH: number): string {
  const ticks = 4;
  let out = '';
  for (let i = 0; i <= ticks; i++) {
    const v = (max * i) / ticks;
    const y = TOP + plotH - (plotH * i) / ticks;
    out += `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e3e3e3"/>`;
    out += `<text x="${LEFT - 4}" y="${(y + 3).toFixed(1)}" text-anchor="end">${(v * 100).toFixed(v * 100 < 10 ? 1 : 0)}%</text>`;
  }
  return out;
}

const LEGEND = `<rect x="${W - 170}" y="${TOP}" width="10" height="10" fill="${REFERENCE_COLOR}" fill-opacity="0.7"/><text x="${W - 156}" y="${TOP + 9}">reference</text><rect x="${W - 92}" y="${TOP}" width="10" height="10" fill="${CURRENT_COLOR}" fill-opacity="0.9"/><text x="${W - 78}" y="${TOP + 9}">current</text>`;

/** The chart of one column's distributions, or an empty string when there is nothing to draw. */
export function distributionSvg(d: Distribution, title: string): string {
  if (d.type === 'none') return '';
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const n = d.reference.length;
  const max = Math.max(1e-12, ...d.reference, ...d.current) * 1.08;
  const y = (share: number) => TOP + plotH - (share / max) * plotH;
  let body = yAxis(max, plotH);
  if (d.type === 'histogram') {
    const step = plotW / n;
    // reference as filled bars, current as an outline on top, so both shapes stay visible where they overlap
    for (let i = 0; i < n; i++) {
      const top = y(d.reference[i]);
      body += `<rect x="${(LEFT + i * step).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(0.5, step - 0.5).toFixed(1)}" height="${(TOP + plotH - top).toFixed(1)}" fill="${REFERENCE_COLOR}" fill-opacity="0.55"/>`;
    }
    let path = `M${LEFT},${TOP + plotH}`;
    for (let i = 0; i < n; i++) path += `V${y(d.current[i]).toFixed(1)}H${(LEFT + (i + 1) * step).toFixed(1)}`;
    body += `<path d="${path}V${TOP + plotH}" fill="none" stroke="${CURRENT_COLOR}" stroke-width="2"/>`;
    const labels = Math.min(n, 6);
    for (let k = 0; k <= labels; k++) {
      const i = Math.round((k * n) / labels);
      body += `<text x="${(LEFT + i * step).toFixed(1)}" y="${TOP + plotH + 14}" text-anchor="middle">${escapeMarkup(formatTick(d.edges[i]))}</text>`;
    }
  } else {
    const group = plotW / n;
    const bar = Math.max(1, group * 0.4);
    for (let i = 0; i < n; i++) {
      const x = LEFT + i * group + group * 0.1;
      for (const [shares, color, dx] of [[d.reference, REFERENCE_COLOR, 0], [d.current, CURRENT_COLOR, bar]] as const) {
        const top = y(shares[i]);
        body += `<rect x="${(x + dx).toFixed(1)}" y="${top.toFixed(1)}" width="${bar.toFixed(1)}" height="${(TOP + plotH - top).toFixed(1)}" fill="${color}" fill-opacity="0.8"/>`;
      }
      const chars = Array.from(d.categories[i]); // code points: never half of a surrogate pair
      const label = chars.length > 14 ? `${chars.slice(0, 13).join('')}…` : d.categories[i];
      const cx = LEFT + (i + 0.5) * group;
      body += `<text transform="translate(${cx.toFixed(1)},${TOP + plotH + 8}) rotate(-40)" text-anchor="end">${escapeMarkup(label)}</text>`;
    }
  }
  body += `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}" stroke="#888"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeMarkup(title)}">${body}${LEGEND}</svg>`;
}
