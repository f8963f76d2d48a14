// Every visible string of the pages, in Chinese (default) and English. t(key, vars) looks a
// key up in the current language and fills {name} placeholders; an unknown key shows itself
// so a missing translation is visible rather than blank.
const zh = {
  'app.title': '危废全过程追踪',
  'app.brand': '摇篮 cradle',
  'lang.switch': 'English',
  'nav.issue': '签发联单', 'nav.manifests': '联单', 'nav.scan': '扫码交接',
  'nav.dashboard': '监管总览', 'nav.facilities': '处置设施', 'nav.orgs': '单位',
  'nav.cases': '案件', 'nav.signout': '退出',
  'role.producer': '产废单位', 'role.collector': '收运单位', 'role.facility': '处置设施',
  'role.regulator': '监管部门', 'role.admin': '管理员',
  'signin.title': '登录', 'signin.token': '访问令牌', 'signin.token.hint': '粘贴单位管理员发放的令牌（仅保存在本标签页）',
  'signin.next': '继续', 'signin.role': '角色', 'signin.org': '单位', 'signin.submit': '登录',
  'signin.bad': '令牌无效或已撤销', 'signin.notRegulator': '此令牌无监管权限',
  'signin.note': '角色和单位只决定页面导航；能看到和修改什么由服务器按令牌判定。',
  'signin.pickOrg': '请选择单位',
  'common.loading': '加载中…', 'common.error': '出错了：{msg}', 'common.empty': '暂无记录',
  'common.next': '下一页', 'common.prev': '上一页', 'common.all': '全部', 'common.save': '保存',
  'common.cancel': '取消', 'common.offline': '无法连接服务器',
  'common.notAvailable': '此服务器暂未提供该功能（{path}）',
  'common.kg': '{v} kg', 'common.t': '{v} 吨', 'common.yes': '是', 'common.no': '否',
  'status.issued': '已签发', 'status.collected': '已收运', 'status.received': '已接收',
  'status.disposed': '已处置', 'status.voided': '已作废', 'status.rejected': '已拒收',
  'pkg.DR': '桶', 'pkg.BG': '袋', 'pkg.TB': '吨袋', 'pkg.BX': '箱', 'pkg.IB': 'IBC 吨桶',
  'pkg.TK': '罐', 'pkg.BK': '散装', 'pkg.OT': '其他',
  'issue.title': '签发转移联单', 'issue.waste_code': '废物代码', 'issue.waste_code.hint': '如 900-041-49',
  'issue.mass': '每件质量（kg）', 'issue.packaging': '包装', 'issue.count': '件数',
  'issue.produced_on': '产生日期', 'issue.destination': '去向设施', 'issue.description': '说明',
  'issue.submit': '签发', 'issue.done': '已签发 {n} 份联单', 'issue.print': '打印标签（PDF）',
  'issue.invalid': '请检查标红的字段', 'issue.none': '（不指定）',
  'labels.opened': '标签 PDF 已生成', 'labels.open': '打开 PDF',
  'list.title': '联单', 'list.status': '状态', 'list.producer': '产废单位', 'list.id': '联单编号',
  'list.code': '废物代码', 'list.mass': '质量', 'list.pkg': '包装', 'list.issued': '签发时间',
  'list.printSel': '打印所选标签', 'list.filterProducer': '产废单位：{p}', 'list.clearFilter': '显示全部',
  'detail.title': '联单详情', 'detail.timeline': '流转记录', 'detail.void': '作废联单',
  'detail.reason': '作废原因', 'detail.voided': '联单已作废', 'detail.label': '标签',
  'detail.noEvents': '尚无扫码记录', 'detail.token': '二维码内容',
  'scan.title': '扫码交接', 'scan.kind': '环节', 'scan.facility': '设施', 'scan.vehicle': '车牌号',
  'scan.method': '处置方式代码', 'scan.wedge': '扫码枪输入', 'scan.wedge.hint': '扫描标签后回车；下一行输入称重（kg）',
  'scan.camera': '打开摄像头', 'scan.cameraStop': '关闭摄像头', 'scan.photo': '拍照识别',
  'scan.noDecoder': '识别组件未安装（npm ci --prefix web）', 'scan.noCamera': '无法使用摄像头：{msg}',
  'scan.decoded': '已识别二维码', 'scan.notFound': '图片中未找到二维码',
  'scan.awaitMass': '等待称重：请输入质量（kg）', 'scan.massMissing': '上一件未称重，已按无质量加入队列',
  'scan.sync': '立即上传', 'scan.clear': '清除已完成', 'scan.queue': '待上传队列',
  'scan.queued': '待上传', 'scan.accepted': '已接受', 'scan.duplicate': '重复', 'scan.rejected': '被拒',
  'scan.online': '在线', 'scan.offlineState': '离线：扫码将保存在本机，联网后上传',
  'scan.counts': '待上传 {q} · 已接受 {a} · 被拒 {r}', 'scan.added': '已加入队列',
  'kind.issue': '签发', 'kind.void': '作废', 'kind.pickup': '收运', 'kind.receive': '接收', 'kind.dispose': '处置', 'kind.reject': '拒收',
  'dash.title': '监管总览', 'dash.month': '月份', 'dash.recon': '月度对账', 'dash.csv': '导出 CSV',
  'dash.audit': '审计链', 'dash.auditOk': '完整（{n} 条，链头 {h}）', 'dash.auditBad': '校验失败：{detail}',
  'dash.cases': '案件看板', 'dash.facilities': '设施容量',
  'case.open': '待派送', 'case.dispatched': '已派送', 'case.responded': '已反馈', 'case.closed': '已销号',
  'fac.title': '处置设施', 'fac.id': '编号', 'fac.name': '名称', 'fac.kind': '类型', 'fac.operator': '运营单位',
  'fac.capacity': '容量', 'fac.accepts': '接收代码数',
  'fkind.landfill': '填埋场', 'fkind.incinerator': '焚烧厂', 'fkind.utilisation': '综合利用', 'fkind.transfer_station': '转运站',
  'cap.volume': '{v} 万立方米', 'cap.tpy': '{v} 吨/年',
  'orgs.title': '单位', 'orgs.name': '名称', 'orgs.uscc': '统一社会信用代码', 'orgs.roles': '角色',
  'orgs.small': '小微企业', 'orgs.contact': '联系人', 'orgs.manifests': '查看联单',
};

const en = {
  'app.title': 'Hazardous waste tracking',
  'app.brand': 'cradle',
  'lang.switch': '中文',
  'nav.issue': 'Issue', 'nav.manifests': 'Manifests', 'nav.scan': 'Scan',
  'nav.dashboard': 'Dashboard', 'nav.facilities': 'Facilities', 'nav.orgs': 'Organisations',
  'nav.cases': 'Cases', 'nav.signout': 'Sign out',
  'role.producer': 'Producer', 'role.collector': 'Collector', 'role.facility': 'Facility',
  'role.regulator': 'Regulator', 'role.admin': 'Administrator',
  'signin.title': 'Sign in', 'signin.token': 'Access token', 'signin.token.hint': 'Paste the token your administrator issued (kept in this tab only)',
  'signin.next': 'Continue', 'signin.role': 'Role', 'signin.org': 'Organisation', 'signin.submit': 'Sign in',
  'signin.bad': 'The token is not valid or was revoked', 'signin.notRegulator': 'This token has no regulator rights',
  'signin.note': 'Role and organisation only choose the navigation; the server decides what the token may see and change.',
  'signin.pickOrg': 'Choose an organisation',
  'common.loading': 'Loading…', 'common.error': 'Error: {msg}', 'common.empty': 'Nothing here yet',
  'common.next': 'Next', 'common.prev': 'Previous', 'common.all': 'All', 'common.save': 'Save',
  'common.cancel': 'Cancel', 'common.offline': 'Cannot reach the server',
  'common.notAvailable': 'Not available on this server yet ({path})',
  'common.kg': '{v} kg', 'common.t': '{v} t', 'common.yes': 'yes', 'common.no': 'no',
  'status.issued': 'Issued', 'status.collected': 'Collected', 'status.received': 'Received',
  'status.disposed': 'Disposed', 'status.voided': 'Voided', 'status.rejected': 'Rejected',
  'pkg.DR': 'Drum', 'pkg.BG': 'Bag', 'pkg.TB': 'Tonne bag', 'pkg.BX': 'Box', 'pkg.IB': 'IBC',
  'pkg.TK': 'Tank', 'pkg.BK': 'Bulk', 'pkg.OT': 'Other',
  'issue.title': 'Issue manifests', 'issue.waste_code': 'Waste code', 'issue.waste_code.hint': 'e.g. 900-041-49',
  'issue.mass': 'Mass per container (kg)', 'issue.packaging': 'Packaging', 'issue.count': 'Containers',
  'issue.produced_on': 'Produced on', 'issue.destination': 'Destination', 'issue.description': 'Description',
  'issue.submit': 'Issue', 'issue.done': '{n} manifests issued', 'issue.print': 'Print labels (PDF)',
  'issue.invalid': 'Please check the fields marked in red', 'issue.none': '(none)',
  'labels.opened': 'Label PDF ready', 'labels.open': 'Open PDF',
  'list.title': 'Manifests', 'list.status': 'Status', 'list.producer': 'Producer', 'list.id': 'Manifest',
  'list.code': 'Waste code', 'list.mass': 'Mass', 'list.pkg': 'Packaging', 'list.issued': 'Issued at',
  'list.printSel': 'Print selected labels', 'list.filterProducer': 'Producer: {p}', 'list.clearFilter': 'Show all',
  'detail.title': 'Manifest', 'detail.timeline': 'Timeline', 'detail.void': 'Void manifest',
  'detail.reason': 'Reason', 'detail.voided': 'Manifest voided', 'detail.label': 'Label',
  'detail.noEvents': 'No scans yet', 'detail.token': 'QR content',
  'scan.title': 'Scan hand-over', 'scan.kind': 'Step', 'scan.facility': 'Facility', 'scan.vehicle': 'Vehicle plate',
  'scan.method': 'Disposal method code', 'scan.wedge': 'Scanner input', 'scan.wedge.hint': 'Scan a label, Enter; then type the weighed mass (kg)',
  'scan.camera': 'Start camera', 'scan.cameraStop': 'Stop camera', 'scan.photo': 'Scan a photo',
  'scan.noDecoder': 'Decoder not installed (npm ci --prefix web)', 'scan.noCamera': 'Camera unavailable: {msg}',
  'scan.decoded': 'QR code read', 'scan.notFound': 'No QR code found in the picture',
  'scan.awaitMass': 'Waiting for the mass (kg)', 'scan.massMissing': 'Previous container had no mass; queued without it',
  'scan.sync': 'Upload now', 'scan.clear': 'Clear finished', 'scan.queue': 'Outbox',
  'scan.queued': 'Queued', 'scan.accepted': 'Accepted', 'scan.duplicate': 'Duplicate', 'scan.rejected': 'Rejected',
  'scan.online': 'Online', 'scan.offlineState': 'Offline: scans are kept on this device and uploaded when online',
  'scan.counts': 'Queued {q} · accepted {a} · rejected {r}', 'scan.added': 'Added to the outbox',
  'kind.issue': 'Issued', 'kind.void': 'Voided', 'kind.pickup': 'Pickup', 'kind.receive': 'Receive', 'kind.dispose': 'Dispose', 'kind.reject': 'Reject',
  'dash.title': 'Regulator dashboard', 'dash.month': 'Month', 'dash.recon': 'Monthly reconciliation', 'dash.csv': 'Export CSV',
  'dash.audit': 'Audit chain', 'dash.auditOk': 'Intact ({n} entries, head {h})', 'dash.auditBad': 'Verification failed: {detail}',
  'dash.cases': 'Cases board', 'dash.facilities': 'Facility capacity',
  'case.open': 'Open', 'case.dispatched': 'Dispatched', 'case.responded': 'Responded', 'case.closed': 'Closed',
  'fac.title': 'Facilities', 'fac.id': 'Id', 'fac.name': 'Name', 'fac.kind': 'Kind', 'fac.operator': 'Operator',
  'fac.capacity': 'Capacity', 'fac.accepts': 'Codes accepted',
  'fkind.landfill': 'Landfill', 'fkind.incinerator': 'Incinerator', 'fkind.utilisation': 'Utilisation', 'fkind.transfer_station': 'Transfer station',
  'cap.volume': '{v} × 10⁴ m³', 'cap.tpy': '{v} t/year',
  'orgs.title': 'Organisations', 'orgs.name': 'Name', 'orgs.uscc': 'USCC', 'orgs.roles': 'Roles',
  'orgs.small': 'Small enterprise', 'orgs.contact': 'Contact', 'orgs.manifests': 'Manifests',
};

const dictionaries = { zh, en };
const listeners = new Set();
let lang = localStorage.getItem('cradle.lang') === 'en' ? 'en' : 'zh';

export function getLang() { return lang; }

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh';
  localStorage.setItem('cradle.lang', lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn) { listeners.add(fn); }

export function t(key, vars = {}) {
  const text = dictionaries[lang][key] ?? dictionaries.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// Both dictionaries must name the same keys; the e2e test checks this.
export function missingKeys() {
  const a = Object.keys(zh), b = Object.keys(en);
  return [...a.filter((k) => !(k in en)), ...b.filter((k) => !(k in zh))];
}
