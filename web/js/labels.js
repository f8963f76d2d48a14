// Printing labels: POST /api/v1/labels {ids, format: "pdf"} and open the PDF in a new tab.
// The tab is opened before the request (inside the click) so popup blockers allow it.
import { t } from './i18n.js';
import { h, clear, notice } from './dom.js';
import * as api from './api.js';

export async function printLabels(ids, msgEl) {
  const tab = window.open('', '_blank');
  const r = await api.call('POST', '/api/v1/labels', { body: { ids, format: 'pdf' }, raw: true,
    accept: 'application/pdf' });
  if (!r.ok) {
    if (tab) tab.close();
    clear(msgEl, notice('error', t('common.error', { msg: api.describe(r) })));
    return false;
  }
  const url = URL.createObjectURL(r.blob);
  if (tab) tab.location = url;
  clear(msgEl, notice('ok', h('span', {}, t('labels.opened'), ' ',
    h('a', { href: url, target: '_blank', id: 'labels-pdf' }, t('labels.open')))));
  return true;
}
