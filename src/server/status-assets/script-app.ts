/**
 * The status page script, part 4: polling of /api/status, /api/uptime and /api/history, and the range selector.
 */
export const SCRIPT_APP = String.raw`
/** Polls the read-only JSON APIs and updates the sections that changed; the range selector picks the history range. */
var RANGES = ['24h', '7d', '30d', '90d'];
var view = { range: '24h', ranges: RANGES, refreshMs: 5000, timer: null, generation: 0 };

/** optional: history switched off (503) or not served by this build (404) is a section that says so, not an error */
function getJson(path, optional) {
  return fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' }).then(function (res) {
    if (optional && (res.status === 404 || res.status === 503)) return null;
    if (!res.ok) throw new Error(path + ' answered ' + res.status);
    return res.json();
  });
}

function byId(id) { return document.getElementById(id); }

function probeList(status, uptime) {
  var seen = {};
  var list = (uptime ? uptime.probes : []).map(function (p) {
    seen[p.probe] = true;
    return { name: p.probe, kind: p.kind, current: p.current, uptime: p.uptime, detail: '' };
  });
  status.probes.forEach(function (p) {
    var known = list.filter(function (q) { return q.name === p.name; })[0];
    if (known) { known.current = p.status; known.detail = p.detail; return; }
    list.push({ name: p.name, kind: p.kind, current: p.status, uptime: null, detail: p.detail });
  });
  return list;
}

function renderHeader(status) {
  var cls = status.state === 'starting' ? 'none' : sevClass(status.state);
  var headline = status.state === 'starting' ? 'Waiting for the first evaluation' : status.severity === null ? 'All checks healthy' : 'Severity ' + status.severity;
  var banner = byId('banner');
  banner.className = 'banner sev-' + cls;
  banner.setAttribute('data-state', status.state);
  byId('headline').textContent = headline;
  byId('leading').textContent = status.leadingFinding ? status.leadingFinding.summary : '';
  document.title = status.service + ' — ' + headline;
}

function render(status, uptime, histories) {
  renderHeader(status);
  byId('updated').replaceChildren('Last evaluation ', when(status.lastEvaluation), ' · refreshes every ' + Math.round(status.refreshMs / 1000) + ' s');
  swap(byId('open'), JSON.stringify(status.openIncidents) + status.incidentsAvailable, function () { return openIncidents(status); });
  swap(byId('notices'), JSON.stringify(status.notices), function () { return noticeList(status); });
  swap(byId('maintenance'), JSON.stringify(status.maintenance), function () { return maintenanceList(status); });
  swap(byId('past'), JSON.stringify(status.pastIncidents) + status.incidentsAvailable, function () { return pastIncidents(status); });
  var service = histories[''];
  swap(byId('overall'), JSON.stringify([uptime && uptime.overall, service, view.range]), function () {
    return [uptimeGrid(uptime && uptime.overall, RANGES)].concat(historyBar(service, 'bar:', 'Service, ' + RANGE_WORDS[view.range]), latencyChart(service, RANGE_WORDS[view.range]));
  });
  var all = probeList(status, uptime);
  var hasData = function (history) { return !!history && history.points.some(function (point) { return point.count > 0; }); };
  var probes = all.filter(function (p) { return p.current !== 'skipped' || hasData(histories[p.name]); });
  var idle = all.filter(function (p) { return probes.indexOf(p) < 0; });
  swap(byId('idle'), JSON.stringify(idle), function () { return idleProbes(idle); });
  var container = byId('probes');
  if (!probes.length) return swap(container, '[]', function () { return empty('No probe has run yet.'); });
  swap(container, JSON.stringify(probes.map(function (p) { return p.name; })), function () {
    return probes.map(function (p) { return el('div', { 'data-slot': p.name }); });
  });
  var slots = container.querySelectorAll('[data-slot]');
  probes.forEach(function (p, index) {
    var history = histories[p.name];
    swap(slots[index], JSON.stringify([p, history, view.range]), function () { return probeCard(p, history, view); });
  });
}

function refresh() {
  var generation = ++view.generation;
  clearTimeout(view.timer);
  return Promise.all([getJson('/api/status', false), getJson('/api/uptime', true)])
    .then(function (docs) {
      var status = docs[0];
      var uptime = docs[1];
      if (!status) throw new Error('/api/status is not served');
      view.refreshMs = status.refreshMs || view.refreshMs;
      // a probe without a result in the range has an empty history: not worth a request per poll
      var inRange = uptime ? uptime.probes.filter(function (p) { return p.uptime && p.uptime[view.range] !== null; }) : [];
      var names = uptime ? [''].concat(inRange.map(function (p) { return p.probe; })) : [];
      return Promise.all(names.map(function (name) {
        var query = '/api/history?range=' + encodeURIComponent(view.range) + (name ? '&probe=' + encodeURIComponent(name) : '');
        return getJson(query, true).catch(function () { return null; });
      })).then(function (list) {
        if (generation !== view.generation) return; // a newer refresh (another range) owns the page
        var histories = {};
        names.forEach(function (name, index) { histories[name] = list[index]; });
        render(status, uptime, histories);
        byId('connection').textContent = '';
      });
    })
    .catch(function (err) {
      byId('connection').textContent = 'Cannot reach the daemon (' + err.message + '); retrying.';
    })
    .then(function () {
      if (generation === view.generation) view.timer = setTimeout(refresh, view.refreshMs);
    });
}

document.addEventListener('DOMContentLoaded', function () {
  var radios = document.querySelectorAll('input[name="range"]');
  for (var i = 0; i < radios.length; i++) {
    if (radios[i].checked) view.range = radios[i].value;
    radios[i].addEventListener('change', function (event) {
      view.range = event.target.value;
      refresh();
    });
  }
  refresh();
});
`;
