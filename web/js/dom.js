// Tiny DOM helpers: h() builds elements (text is always set as text, never parsed as HTML),
// plus formatting shared by the views.
import { t } from './i18n.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren();
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

export function kg(mass_g) {
  if (mass_g === undefined || mass_g === null) return '—';
  return t('common.kg', { v: (mass_g / 1000).toLocaleString(undefined, { maximumFractionDigits: 3 }) });
}

export function when(rfc3339) {
  if (!rfc3339) return '—';
  return rfc3339.replace('T', ' ').replace(/(:\d\d)(\.\d+)?([+-]\d\d:\d\d|Z)$/, '$1');
}

export function badge(status) {
  return h('span', { class: `badge badge-${status}` }, t(`status.${status}`));
}

// A notice box: kind is info | error | warn | ok.
export function notice(kind, text) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

// A table from rows: columns = [{label, cell(row) -> Node|string}].
export function table(columns, rows, { className = '' } = {}) {
  if (!rows.length) return h('p', { class: 'empty' }, t('common.empty'));
  return h('div', { class: 'table-wrap' },
    h('table', { class: className },
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c.label)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { 'data-label': c.label }, c.cell(r))))))));
}

// The local time now as RFC 3339 with this device's offset, e.g. 2026-11-28T09:41:07+08:00.
export function nowRfc3339(d = new Date()) {
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:` +
    `${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}

// Offers a blob as a file download.
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// Grams to tonnes as a number (3 decimals), for tables whose header carries the unit.
export function tonnes(mass_g) {
  if (mass_g === undefined || mass_g === null) return null;
  return Math.round(mass_g / 1000) / 1000;
}

// Numbers in the page's locale; text as it is; empty for null.
export function fmt(v) {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'number') return v.toLocaleString(undefined, { maximumFractionDigits: 3 });
  return String(v);
}

// CSV text (UTF-8 BOM so spreadsheets read Chinese; text that starts like a formula is quoted
// with a leading apostrophe).
export function toCsv(columns, rows) {
  const cell = (v) => {
    if (v === undefined || v === null) return '';
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\ufeff' + [columns.map((c) => cell(c.label)).join(','),
    ...rows.map((r) => columns.map((c) => cell(c.value(r))).join(','))].join('\r\n') + '\r\n';
}

// A sortable table: columns = [{label, value(row) -> number|string, cell?(row) -> Node}].
// Clicking a header (a button, so keyboards reach it) sorts by it; again reverses.
export function dataTable(columns, rows, { className = '', id } = {}) {
  if (!rows.length) return h('p', { class: 'empty' }, t('common.empty'));
  let sortBy = -1;
  let dir = 1;
  const tbody = h('tbody');
  const ths = columns.map((c, i) => h('th', { scope: 'col', 'aria-sort': 'none' },
    h('button', { type: 'button', class: 'sort', onclick: () => { dir = sortBy === i ? -dir : 1; sortBy = i; draw(); } }, c.label)));
  function draw() {
    const sorted = sortBy < 0 ? rows : [...rows].sort((a, b) => {
      const x = columns[sortBy].value(a), y = columns[sortBy].value(b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
    });
    ths.forEach((th, i) => th.setAttribute('aria-sort', i === sortBy ? (dir > 0 ? 'ascending' : 'descending') : 'none'));
    clear(tbody, sorted.map((r) => h('tr', {}, columns.map((c) => h('td', { 'data-label': c.label,
      class: typeof c.value(r) === 'number' ? 'num' : '' }, c.cell ? c.cell(r) : fmt(c.value(r)))))));
  }
  draw();
  return h('div', { class: 'table-wrap' }, h('table', { class: `data ${className}`, id }, h('thead', {}, h('tr', {}, ths)), tbody));
}
