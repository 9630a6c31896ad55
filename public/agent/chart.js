/**
 * Tickets by type and status, drawn as SVG by the page itself: one horizontal bar per type, in
 * segments per status, each labelled with its count. The same numbers are in a table for screen
 * readers; the drawing itself is hidden from them.
 */
import { STATUS_LABELS, typeLabel } from './labels.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Segment colours: each has at least 4.5:1 contrast with white text and 3:1 with the white page. */
export const STATUS_COLOURS = { open: '#005eb8', claimed: '#7c2855', resolved: '#00664a', cancelled: '#4c6272' };

function svg(name, attributes = {}, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function html(name, attributes = {}, text) {
  const el = document.createElement(name);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Rows of the chart: per type, the count of each status, in the API's order. */
function tabulate(stats) {
  const types = [];
  const statuses = [];
  const rows = new Map();
  for (const { type, status, count } of stats.counts) {
    if (!rows.has(type)) {
      rows.set(type, {});
      types.push(type);
    }
    if (!statuses.includes(status)) statuses.push(status);
    rows.get(type)[status] = count;
  }
  return { types, statuses, rows };
}

function drawSvg(stats, { types, statuses, rows }) {
  const labelWidth = 150;
  const barHeight = 26;
  const gap = 12;
  const width = 640;
  const top = 36;
  const plot = width - labelWidth - 50;
  const max = Math.max(1, ...types.map((t) => statuses.reduce((n, s) => n + (rows.get(t)[s] || 0), 0)));
  const height = top + types.length * (barHeight + gap) + 10;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', 'aria-hidden': 'true', focusable: 'false', class: 'chart-svg' });

  // Legend, in words as well as colour.
  let x = labelWidth;
  for (const status of statuses) {
    root.append(svg('rect', { x, y: 6, width: 14, height: 14, fill: STATUS_COLOURS[status] || '#333', rx: 2 }));
    const label = STATUS_LABELS[status] || status;
    root.append(svg('text', { x: x + 20, y: 18, class: 'legend' }, label));
    x += 34 + label.length * 8;
  }

  types.forEach((type, i) => {
    const y = top + i * (barHeight + gap);
    root.append(svg('text', { x: labelWidth - 10, y: y + barHeight / 2 + 5, 'text-anchor': 'end', class: 'axis' }, typeLabel(type)));
    let offset = labelWidth;
    let total = 0;
    for (const status of statuses) {
      const count = rows.get(type)[status] || 0;
      total += count;
      if (count === 0) continue;
      const w = (count / max) * plot;
      root.append(svg('rect', { x: offset, y, width: w, height: barHeight, fill: STATUS_COLOURS[status] || '#333', 'data-status': status, 'data-type': type }));
      if (w >= 18) root.append(svg('text', { x: offset + w / 2, y: y + barHeight / 2 + 5, 'text-anchor': 'middle', class: 'count' }, String(count)));
      offset += w;
    }
    root.append(svg('text', { x: offset + 6, y: y + barHeight / 2 + 5, class: 'total' }, total === 0 ? '0' : `= ${total}`));
  });
  return root;
}

function drawTable(stats, { types, statuses, rows }) {
  const table = html('table', { class: 'visually-hidden', id: 'chart-table' });
  table.append(html('caption', {}, `Tickets opened in the last ${stats.days} days, by type and current status (${stats.total} in all)`));
  const head = html('tr');
  head.append(html('th', { scope: 'col' }, 'Type'));
  for (const status of statuses) head.append(html('th', { scope: 'col' }, STATUS_LABELS[status] || status));
  head.append(html('th', { scope: 'col' }, 'Total'));
  const thead = html('thead');
  thead.append(head);
  const tbody = html('tbody');
  for (const type of types) {
    const tr = html('tr');
    tr.append(html('th', { scope: 'row' }, typeLabel(type)));
    let total = 0;
    for (const status of statuses) {
      const count = rows.get(type)[status] || 0;
      total += count;
      tr.append(html('td', {}, String(count)));
    }
    tr.append(html('td', {}, String(total)));
    tbody.append(tr);
  }
  table.append(thead, tbody);
  return table;
}

/** Replaces the contents of `container` with the chart and its table. */
export function renderChart(container, stats) {
  const data = tabulate(stats);
  const summary = html('p', { class: 'chart-summary' }, `${stats.total} ticket${stats.total === 1 ? '' : 's'} opened since ${new Date(stats.since).toLocaleDateString('en-GB', { dateStyle: 'medium' })}.`);
  container.replaceChildren(summary, drawSvg(stats, data), drawTable(stats, data));
}
