// Regulator dashboard: the month at a glance as charts (12-month tonnage, the landfill's fill,
// programme coverage, open cases by kind and age, transfers overdue for receipt by facility),
// each with its table and CSV; under them the month's tables in tonnes, sortable. The audit
// chain's state is on top. Every enum is shown in words.
import { t } from '../i18n.js';
import { h, clear, notice, dataTable, download, tonnes, when } from '../dom.js';
import * as api from '../api.js';
import { chartPanel, emptyPanel, disposeCharts } from '../charts.js';

function thisMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

export function lastMonths(month, n) {
  const [y, m] = month.split('-').map(Number);
  const out = [];
  for (let i = n - 1; i >= 0; --i) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

const axisT = (name) => ({ type: 'value', name, nameTextStyle: { align: 'left' } });
const grid = { left: 56, right: 56, top: 48, bottom: 36, containLabel: true };

async function tonnagePanel(month) {
  const months = lastMonths(month, 12);
  const reports = await Promise.all(months.map((m) => api.get(`/api/v1/reconciliation/${m}`)));
  const bad = reports.find((r) => !r.ok);
  if (bad) return emptyPanel('chart-tonnage', t('chart.tonnage'), notice('error', api.describe(bad)));
  const rows = reports.map((r, i) => ({ month: months[i], ...r.data.totals }));
  const columns = [
    { label: t('chart.month'), value: (r) => r.month },
    { label: t('chart.declared'), value: (r) => tonnes(r.issued_declared_g) },
    { label: t('chart.collected'), value: (r) => tonnes(r.collected_measured_g) },
    { label: t('chart.received'), value: (r) => tonnes(r.received_measured_g) },
    { label: t('chart.disposedCount'), value: (r) => r.disposed },
  ];
  return chartPanel({ id: 'chart-tonnage', title: t('chart.tonnage'), note: t('chart.tonnageNote'), columns, rows, csvName: `tonnage-${month}`,
    option: (rs) => ({
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid,
      xAxis: { type: 'category', data: rs.map((r) => r.month) },
      yAxis: [axisT('t'), { ...axisT(t('chart.disposedCount')), splitLine: { show: false } }],
      series: [
        ...[1, 2, 3].map((c) => ({ type: 'bar', name: columns[c].label, data: rs.map((r) => columns[c].value(r)) })),
        { type: 'line', name: columns[4].label, yAxisIndex: 1, data: rs.map((r) => r.disposed) },
      ],
    }) });
}

function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + Math.round(days));
  return d.toISOString().slice(0, 10);
}

async function landfillPanel(facilities) {
  const lf = facilities.find((f) => f.kind === 'landfill');
  if (!lf) return emptyPanel('chart-landfill', t('chart.landfill'), h('p', { class: 'empty' }, t('chart.noData')));
  const r = await api.get(`/api/v1/facilities/${encodeURIComponent(lf.id)}/capacity`);
  if (!r.ok) return emptyPanel('chart-landfill', t('chart.landfill'), notice('error', api.describe(r)));
  const c = r.data;
  const cap = c.landfill?.volume_m3 || lf.capacity?.volume_m3 || 0;
  const months = (c.months || []).filter((m) => m.volume_m3 > 0 || m.cumulative_volume_m3 > 0);
  // The projected date's range: the fastest and the slowest whole month's daily fill rate
  // (the first month and the current one are partial and would skew it).
  const thisM = new Date().toISOString().slice(0, 7);
  const whole = months.slice(1).filter((m) => m.month < thisM);
  const rates = (whole.length ? whole : months).map((m) => m.volume_m3 / 30.4).filter((x) => x > 0);
  const left = c.landfill?.volume_left_m3 ?? 0;
  const today = new Date().toISOString().slice(0, 10);
  const early = rates.length ? addDays(today, left / Math.max(...rates)) : null;
  const late = rates.length ? addDays(today, left / Math.min(...rates)) : null;
  const full = c.landfill?.projected_fill_date;
  const note = full ? t('chart.fullOn', { date: full, early, late }) : t('chart.noFull');
  const rows = months.map((m) => ({ month: m.month, used: m.cumulative_volume_m3, tonnes: m.tonnes }));
  const columns = [
    { label: t('chart.month'), value: (x) => x.month },
    { label: t('chart.usedM3'), value: (x) => x.used },
    { label: t('col.receivedFacT'), value: (x) => x.tonnes },
    { label: t('chart.capacityM3'), value: () => cap },
  ];
  return chartPanel({ id: 'chart-landfill', title: `${t('chart.landfill')} · ${lf.name}`, note, columns, rows, csvName: 'landfill',
    option: (rs) => {
      // A time axis, so the projection to the full date is drawn to scale.
      const at = (m) => `${m}-15`;
      const last = rs[rs.length - 1];
      const projection = full && last ? [[at(last.month), last.used], [full, cap]] : [];
      const end = full || (last ? at(last.month) : today);
      const start = rs.length ? at(rs[0].month) : today;
      return {
        tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { ...grid, top: 64 },
        xAxis: { type: 'time' },
        yAxis: axisT('m³'),
        series: [
          { type: 'line', name: t('chart.usedM3'), areaStyle: { opacity: 0.2 }, data: rs.map((x) => [at(x.month), x.used]) },
          { type: 'line', name: t('chart.projection'), lineStyle: { type: 'dashed' }, data: projection },
          { type: 'line', name: t('chart.capacityM3'), symbol: 'none', lineStyle: { type: 'dotted' }, data: [[start, cap], [end, cap]] },
        ],
      };
    } });
}

function programmePanel(report) {
  const rows = report.programmes || [];
  if (!rows.length) return emptyPanel('chart-programme', t('chart.programme'), h('p', { class: 'empty' }, t('chart.noData')));
  const columns = [
    { label: t('col.name'), value: (p) => p.name },
    { label: t('chart.members'), value: (p) => p.members },
    { label: t('chart.servedMonth'), value: (p) => p.served_month },
    { label: t('chart.servedYear'), value: (p) => p.served_year },
    { label: t('chart.ytdT'), value: (p) => tonnes(p.ytd_collected_g) },
    { label: t('chart.capT'), value: (p) => p.prorated_capacity_t },
  ];
  return chartPanel({ id: 'chart-programme', title: t('chart.programme'), columns, rows, csvName: `programmes-${report.month}`,
    option: (rs) => ({
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { ...grid, top: 84 },
      xAxis: { type: 'category', data: rs.map((p) => p.name) },
      yAxis: [axisT(t('chart.members')), { ...axisT('t'), splitLine: { show: false } }],
      series: [
        ...[1, 2, 3].map((c) => ({ type: 'bar', name: columns[c].label, data: rs.map((p) => columns[c].value(p)) })),
        ...[4, 5].map((c) => ({ type: 'bar', yAxisIndex: 1, name: columns[c].label, data: rs.map((p) => columns[c].value(p)) })),
      ],
    }) });
}

async function allPages(path, query) {
  const items = [];
  let after = '';
  for (let i = 0; i < 20; ++i) {
    const r = await api.get(path, { query: { ...query, after, limit: 200 } });
    if (!r.ok) return r;
    items.push(...(r.data.items || []));
    if (!r.data.next) break;
    after = r.data.next;
  }
  return { ok: true, items };
}

export function ageBucket(openedAt, now = Date.now()) {
  const days = (now - Date.parse(openedAt)) / 86400000;
  return days <= 7 ? 0 : days <= 30 ? 1 : 2;
}

async function casesPanel() {
  const r = await allPages('/api/v1/cases', {});
  if (!r.ok) return emptyPanel('chart-cases', t('chart.cases'), notice('error', api.describe(r)));
  const open = r.items.filter((c) => c.status !== 'closed');
  const kinds = [...new Set(open.map((c) => c.kind))].sort();
  const rows = kinds.map((k) => {
    const mine = open.filter((c) => c.kind === k);
    const b = [0, 0, 0];
    for (const c of mine) b[ageBucket(c.opened_at)]++;
    return { kind: k, a0: b[0], a1: b[1], a2: b[2], total: mine.length };
  });
  if (!rows.length) return emptyPanel('chart-cases', t('chart.cases'), h('p', { class: 'empty' }, t('chart.noData')));
  const columns = [
    { label: t('chart.kind'), value: (x) => t(`ckind.${x.kind}`) },
    { label: t('chart.age0'), value: (x) => x.a0 },
    { label: t('chart.age1'), value: (x) => x.a1 },
    { label: t('chart.age2'), value: (x) => x.a2 },
    { label: t('chart.total'), value: (x) => x.total },
  ];
  return chartPanel({ id: 'chart-cases', title: t('chart.cases'), columns, rows, csvName: 'open-cases',
    option: (rs) => ({
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid,
      yAxis: { type: 'category', data: rs.map((x) => t(`ckind.${x.kind}`)) },
      xAxis: { type: 'value' },
      series: [1, 2, 3].map((c) => ({ type: 'bar', stack: 'age', name: columns[c].label, data: rs.map((x) => columns[c].value(x)) })),
    }) });
}

// The month's flows producer -> facility, composed from the month's labels that reached a
// facility (received or disposed), by their destination, in declared tonnes. (Consolidation
// shows once transfers carry it.)
async function flowsPanel(month, report, facilities) {
  const lists = await Promise.all(['received', 'disposed'].map((status) => allPages('/api/v1/manifests', { month, status })));
  const bad = lists.find((r) => !r.ok);
  if (bad) return emptyPanel('chart-flows', t('chart.flows'), notice('error', api.describe(bad)));
  const producerName = new Map((report.producers || []).map((p) => [p.org, p.name || p.org]));
  const facilityName = new Map(facilities.map((f) => [f.id, f.name || f.id]));
  const sums = new Map();
  for (const m of lists.flatMap((r) => r.items)) {
    if (!m.destination) continue;
    const key = `${m.producer}\u0000${m.destination}`;
    sums.set(key, (sums.get(key) || 0) + m.mass_g);
  }
  const rows = [...sums].map(([key, g]) => {
    const [from, to] = key.split('\u0000');
    return { from: producerName.get(from) || from, to: facilityName.get(to) || to, t: tonnes(g) };
  }).sort((a, b) => b.t - a.t);
  if (!rows.length) return emptyPanel('chart-flows', t('chart.flows'), h('p', { class: 'empty' }, t('chart.noData')));
  const columns = [
    { label: t('chart.from'), value: (x) => x.from },
    { label: t('chart.to'), value: (x) => x.to },
    { label: t('chart.flowT'), value: (x) => x.t },
  ];
  return chartPanel({ id: 'chart-flows', title: t('chart.flows'), note: t('chart.flowsNote'), columns, rows, csvName: `flows-${month}`,
    option: (rs) => {
      const names = [...new Set(rs.flatMap((x) => [x.from, x.to]))];
      return {
        tooltip: { trigger: 'item' },
        series: [{ type: 'sankey', left: 8, right: 140, top: 8, bottom: 8, nodeGap: 4, emphasis: { focus: 'adjacency' },
          label: { fontSize: 11 }, lineStyle: { color: 'gradient', opacity: 0.4 },
          data: names.map((name) => ({ name })), links: rs.map((x) => ({ source: x.from, target: x.to, value: x.t })) }],
      };
    } });
}

// Transfers whose receipt is overdue (the server's ?overdue=true: delivered, not confirmed
// within 5 working days), by receiving facility and by days past the due date.
export function daysPast(isoDate, now = new Date()) {
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((today - Date.parse(`${isoDate}T00:00:00Z`)) / 86400000);
}

async function transfersPanel(facilities) {
  const r = await allPages('/api/v1/transfers', { overdue: 'true' });
  const listLink = h('a', { href: '#/transfers?overdue=true', id: 'overdue-link' }, t('nav.transfers'));
  if (!r.ok) return emptyPanel('chart-transfers', t('chart.transfers'), notice('error', api.describe(r)));
  if (!r.items.length) {
    return emptyPanel('chart-transfers', t('chart.transfers'), h('p', { class: 'empty' }, t('chart.noOverdue'), ' ', listLink));
  }
  const facilityName = new Map(facilities.map((f) => [f.id, f.name || f.id]));
  const by = new Map();
  for (const x of r.items) {
    const key = x.receiver || x.receiver_org || '';
    const row = by.get(key) || { facility: facilityName.get(key) || key, a: [0, 0, 0], n: 0 };
    const days = x.receipt_due ? daysPast(x.receipt_due) : 0;
    row.a[days <= 7 ? 0 : days <= 30 ? 1 : 2] += 1;
    row.n += 1;
    by.set(key, row);
  }
  const rows = [...by.values()].sort((a, b) => b.n - a.n);
  const columns = [
    { label: t('chart.to'), value: (x) => x.facility },
    { label: t('chart.age0'), value: (x) => x.a[0] },
    { label: t('chart.age1'), value: (x) => x.a[1] },
    { label: t('chart.age2'), value: (x) => x.a[2] },
    { label: t('chart.overdueN'), value: (x) => x.n },
  ];
  const panel = chartPanel({ id: 'chart-transfers', title: t('chart.transfers'), note: t('chart.overdueNote'), columns, rows, csvName: 'overdue-transfers',
    option: (rs) => ({ tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid,
      yAxis: { type: 'category', data: rs.map((x) => x.facility) }, xAxis: { type: 'value', minInterval: 1 },
      series: [1, 2, 3].map((c) => ({ type: 'bar', stack: 'age', name: columns[c].label, data: rs.map((x) => columns[c].value(x)) })) }) });
  panel.append(h('p', {}, listLink));
  return panel;
}

function monthTables(report) {
  const producers = dataTable([
    { label: t('col.name'), value: (r) => r.name, cell: (r) => h('a', { href: `#/manifests?producer=${encodeURIComponent(r.org)}` }, r.name || r.org) },
    { label: t('col.issued'), value: (r) => r.issued },
    { label: t('col.declaredT'), value: (r) => tonnes(r.issued_declared_g) },
    { label: t('col.collected'), value: (r) => r.collected },
    { label: t('col.collectedT'), value: (r) => tonnes(r.collected_measured_g) },
    { label: t('col.received'), value: (r) => r.received },
    { label: t('col.receivedT'), value: (r) => tonnes(r.received_measured_g) },
    { label: t('col.disposed'), value: (r) => r.disposed },
    { label: t('col.outstanding'), value: (r) => r.outstanding },
    { label: t('col.bias'), value: (r) => r.receipt_bias_pct },
  ], report.producers || [], { id: 'tbl-producers' });
  const facilities = dataTable([
    { label: t('col.name'), value: (r) => r.name },
    { label: t('col.kind'), value: (r) => t(`fkind.${r.kind}`) },
    { label: t('col.received'), value: (r) => r.received },
    { label: t('col.receivedFacT'), value: (r) => tonnes(r.received_g) },
    { label: t('col.ytdT'), value: (r) => tonnes(r.ytd_received_g) },
    { label: t('col.capPct'), value: (r) => r.ytd_pct_of_capacity },
    { label: t('col.usedPct'), value: (r) => r.landfill?.used_pct ?? null },
    { label: t('col.fill'), value: (r) => r.landfill?.projected_fill_date ?? null },
  ], report.facilities || [], { id: 'tbl-facilities' });
  return [h('h3', {}, t('tbl.producers')), producers, h('h3', {}, t('tbl.facilities')), facilities];
}

async function auditStatus(panel) {
  const r = await api.get('/api/v1/audit/verify');
  if (!r.ok) { clear(panel, notice('error', api.describe(r))); return; }
  const d = r.data;
  clear(panel, d.ok
    ? notice('ok', t('dash.auditOk', { n: d.length, h: String(d.head || '').slice(0, 12) }))
    : notice('error', t('dash.auditBad', { detail: `seq ${d.first_bad_seq ?? '?'}` })));
}

export async function dashboardView(main) {
  const month = h('input', { type: 'month', id: 'month', value: thisMonth() });
  const charts = h('div', { class: 'charts', id: 'charts' }, h('p', { class: 'loading' }, t('common.loading')));
  const tables = h('div', { id: 'recon' }, h('p', { class: 'loading' }, t('common.loading')));
  const audit = h('div', { id: 'audit-status' }, h('p', { class: 'loading' }, t('common.loading')));
  const csv = h('button', { type: 'button', id: 'csv', onclick: async () => {
    const r = await api.call('GET', `/api/v1/reconciliation/${month.value}`, { query: { format: 'csv' }, raw: true, accept: 'text/csv' });
    if (r.ok) download(r.blob, `reconciliation-${month.value}.csv`);
  } }, t('dash.csv'));
  const load = async () => {
    disposeCharts();
    const [report, facilities] = await Promise.all([
      api.get(`/api/v1/reconciliation/${month.value}`), api.get('/api/v1/facilities', { query: { limit: 1000 } })]);
    if (!report.ok) { clear(charts, notice('error', api.describe(report))); clear(tables); return; }
    const facs = facilities.ok ? facilities.data.items || [] : [];
    const panels = await Promise.all([tonnagePanel(month.value), landfillPanel(facs),
      programmePanel(report.data), flowsPanel(month.value, report.data, facs), casesPanel(), transfersPanel(facs)]);
    clear(charts, panels);
    clear(tables, monthTables(report.data));
  };
  month.addEventListener('change', load);
  clear(main,
    h('div', { class: 'row' }, h('h1', {}, t('dash.title')),
      h('label', { class: 'inline', for: 'month' }, t('dash.month')), month),
    h('section', { class: 'card' }, h('h2', {}, t('dash.audit')), audit),
    charts,
    h('section', { class: 'card' }, h('div', { class: 'row' }, h('h2', {}, t('dash.recon')), csv), tables));
  await Promise.all([auditStatus(audit), load()]);
  return disposeCharts;
}
