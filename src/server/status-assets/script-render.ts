/**
 * The status page script, part 3: the sections (open incident, notices, maintenance, past incidents, probes).
 */
export const SCRIPT_RENDER = String.raw`
/** The page's sections, each built from one JSON document; signatures keep unchanged sections (and focus) in place. */
function uptimeGrid(uptime, ranges) {
  return el('ul', { class: 'uptimes' }, ranges.map(function (range) {
    var value = uptime ? uptime[range] : null;
    return el('li', null, [el('span', { class: 'label' }, [el('span', { class: 'visually-hidden', text: 'Uptime over ' }), range]), el('span', { class: 'value', text: pct(value) })]);
  }));
}

function findingBlock(finding) {
  return el('div', null, [
    el('p', null, [pill(finding.severity, 'sev-' + sevClass(finding.severity)), ' ', finding.summary, ' ', el('small', { text: '(' + finding.runbook + ')' })]),
    finding.actions.length ? el('ol', { class: 'actions' }, finding.actions.map(function (a) { return el('li', { text: a }); })) : null,
  ]);
}

function openIncidents(status) {
  if (!status.incidentsAvailable) return [empty('Incident tracking is not running on this instance.')];
  if (!status.openIncidents.length) return [empty('No open incidents.')];
  return status.openIncidents.map(function (incident) {
    return el('article', { class: 'card incident', 'data-incident': incident.id }, [
      el('div', { class: 'card-head' }, [
        el('h3', null, [pill(incident.severity, 'sev-' + sevClass(incident.severity)), ' ', incident.impact]),
        el('span', { class: 'meta', text: incident.status + (incident.inMaintenance ? ' · in maintenance' : '') }),
      ]),
      el('p', { class: 'meta' }, ['Started ', when(incident.startedAt), ' · ', duration(incident.durationMs), ' · ', incident.id, ' · escalated to ', incident.escalatedTo]),
      el('h4', { text: 'Runbook actions' }),
      el('div', null, incident.findings.map(findingBlock)),
      el('details', { open: true }, [
        el('summary', { text: 'Timeline (' + incident.timeline.length + ' entries)' }),
        el('ol', { class: 'timeline' }, incident.timeline.map(function (e) {
          return el('li', null, [when(e.at), ' ', el('b', { text: e.kind }), ' ', e.message]);
        })),
      ]),
    ]);
  });
}

function pastIncidents(status) {
  if (!status.incidentsAvailable) return [empty('Incident tracking is not running on this instance.')];
  if (!status.pastIncidents.length) return [empty('No incidents in the last ' + status.pastIncidentDays + ' days.')];
  var head = el('thead', null, el('tr', null, ['Started', 'Duration', 'Severity', 'What happened'].map(function (h) { return el('th', { scope: 'col', text: h }); })));
  var rows = status.pastIncidents.map(function (i) {
    return el('tr', { 'data-incident': i.id }, [
      el('td', null, when(i.startedAt)),
      el('td', { text: duration(i.durationMs) }),
      el('td', null, pill(i.severity, 'sev-' + sevClass(i.severity))),
      el('td', null, [i.title, i.cause ? el('small', { class: 'meta', text: ' cause: ' + i.cause }) : null, el('small', { class: 'meta', text: ' · ' + i.id })]),
    ]);
  });
  return [el('table', { class: 'past' }, [head, el('tbody', null, rows)])];
}

function maintenanceList(status) {
  if (!status.maintenance.length) return [empty('No maintenance scheduled.')];
  return [el('ul', { class: 'plain' }, status.maintenance.map(function (w) {
    return el('li', null, [el('b', { text: w.active ? 'In progress' : 'Scheduled' }), ' ', when(w.start), ' – ', when(w.end), w.reason ? ': ' + w.reason : '']);
  }))];
}

function noticeList(status) {
  if (!status.notices.length) return [empty('All external dependencies report healthy.')];
  return [el('ul', { class: 'plain' }, status.notices.map(function (n) {
    return el('li', null, [el('b', { text: n.dependency }), ' ', pill(n.severity, 'sev-' + sevClass(n.severity)), ' ', n.summary, ' ',
      el('small', { class: 'meta' }, [n.open ? 'since ' : 'cleared ', when(n.open ? n.openedAt : n.clearedAt), ' · not paged: a dependency failing on its own check'])]);
  }))];
}

function probeCard(probe, history, view) {
  var current = probe.current || 'unknown';
  return el('article', { class: 'card probe', 'data-probe': probe.name }, [
    el('div', { class: 'card-head' }, [
      el('h3', { text: probe.name }),
      el('span', null, [pill(current, 'state-' + (['pass', 'fail', 'error', 'skipped'].indexOf(current) >= 0 ? current : 'unknown')), ' ', el('small', { class: 'meta', text: probe.kind })]),
    ]),
    probe.detail ? el('p', { class: 'meta detail', text: probe.detail }) : null,
    uptimeGrid(probe.uptime, view.ranges),
  ].concat(historyBar(history, 'bar:' + probe.name, probe.name + ', ' + RANGE_WORDS[view.range]), latencyChart(history, RANGE_WORDS[view.range])));
}

/** probes that do not run here (a section switched off, no database URL) and never did: one line each, not a card */
function idleProbes(probes) {
  if (!probes.length) return [];
  return [el('details', null, [
    el('summary', { text: probes.length + (probes.length === 1 ? ' probe' : ' probes') + ' not running here' }),
    el('ul', { class: 'plain' }, probes.map(function (p) {
      return el('li', { 'data-probe': p.name }, [el('b', { text: p.name }), ' (' + p.kind + ')', p.detail ? ': ' + p.detail : '']);
    })),
  ])];
}
`;
