// One chart panel: an Apache ECharts chart (vendored, served by cradle) with its numbers a
// click away as a table and as CSV. The chart is an image to assistive technology (its label
// says what it shows); the table is the accessible form of the same numbers.
import { t } from './i18n.js';
import { h, clear, dataTable, toCsv, download } from './dom.js';

let lib = null;
function echarts() {
  if (!lib) lib = import('../vendor/echarts/echarts.esm.min.mjs');
  return lib;
}

const live = new Set();  // charts on the page, resized with the window and disposed on leave
window.addEventListener('resize', () => { for (const c of live) c.resize(); });
export function disposeCharts() { for (const c of live) c.dispose(); live.clear(); }

export const PALETTE = ['#1f6f5c', '#245b9e', '#9a6700', '#b3261e', '#6b4fa0', '#3d7f8f'];

// panel({id, title, note, columns, rows, option(rows) -> echarts option}) -> section element.
export function chartPanel({ id, title, note, columns, rows, option, csvName }) {
  const chartBox = h('div', { class: 'chart', role: 'img', 'aria-label': title });
  const tableBox = h('div', { class: 'chart-table', hidden: true }, dataTable(columns, rows, { id: `${id}-table` }));
  const toggle = h('button', { type: 'button', class: 'toggle', 'aria-expanded': 'false', 'aria-controls': `${id}-tablebox`,
    onclick: () => {
      const show = tableBox.hidden;
      tableBox.hidden = !show;
      toggle.setAttribute('aria-expanded', String(show));
      toggle.textContent = show ? t('chart.chart') : t('chart.table');
    } }, t('chart.table'));
  tableBox.id = `${id}-tablebox`;
  const csv = h('button', { type: 'button', class: 'csv', onclick: () =>
    download(new Blob([toCsv(columns, rows)], { type: 'text/csv;charset=utf-8' }), `${csvName || id}.csv`) }, t('chart.csv'));
  const section = h('section', { class: 'card chart-card', id },
    h('div', { class: 'row' }, h('h2', {}, title), h('div', { class: 'chart-actions' }, toggle, csv)),
    note ? h('p', { class: 'hint' }, note) : null,
    chartBox, tableBox);
  // The panel is put on the page after this returns: draw once it is there (a panel a newer
  // render threw away never connects, and is left alone after a few frames).
  echarts().then((e) => {
    let tries = 0;
    const draw = () => {
      if (!section.isConnected) { if (++tries < 120) requestAnimationFrame(draw); return; }
      const chart = e.init(chartBox, null, { renderer: 'canvas' });
      chart.setOption({ color: PALETTE, animation: false, textStyle: { fontFamily: 'inherit' }, ...option(rows) });
      live.add(chart);
    };
    draw();
  });
  return section;
}

// A panel without a chart: a title and a notice (no data, endpoint not there yet).
export function emptyPanel(id, title, content) {
  return h('section', { class: 'card chart-card', id }, h('h2', {}, title), content);
}

export function replace(el, node) { clear(el, node); }
