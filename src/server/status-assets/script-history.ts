/**
 * The status page script, part 2: the history bar (keyboard-navigable cells with tooltips) and the p50/p95
 * response-time chart, drawn as inline SVG without a chart library.
 */
export const SCRIPT_HISTORY = String.raw`
/** History bar: one cell per bucket, coloured by the worst severity in it; arrow keys move along it (one tab stop). */
function cellLabel(point, bucketSeconds) {
  var start = new Date(point.t);
  var hourly = bucketSeconds < 86400;
  var span = hourly
    ? start.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) + ' + 1 h'
    : start.toLocaleDateString(undefined, { dateStyle: 'medium' });
  if (!point.count) return span + ': no data';
  var worst = point.worst === 'ok' || !point.worst ? 'healthy' : 'worst ' + point.worst;
  return span + ': ' + pct(point.uptime) + ' up, ' + point.failures + ' of ' + point.count + ' checks failed, ' + worst +
    (point.p95Ms === null || point.p95Ms === undefined ? '' : ', p95 ' + ms(point.p95Ms));
}

function rove(bar, cell) {
  var cells = bar.querySelectorAll('.cell');
  for (var i = 0; i < cells.length; i++) cells[i].setAttribute('tabindex', cells[i] === cell ? '0' : '-1');
}

function historyBar(history, key, caption) {
  if (!history) return [empty('No history yet.')];
  if (!history.points.length) return [empty('No history for this range yet.')];
  var tip = el('p', { class: 'tip', 'aria-hidden': 'true' });
  var bar = el('div', { class: 'bar', role: 'group', 'aria-label': caption + ' (arrow keys move between ' + (history.bucketSeconds < 86400 ? 'hours' : 'days') + ')' });
  var last = history.points.length - 1;
  history.points.forEach(function (point, index) {
    var label = cellLabel(point, history.bucketSeconds);
    var cell = el('span', {
      class: 'cell w-' + (point.count ? sevClass(point.worst || 'ok') : 'none'),
      role: 'img',
      tabindex: index === last ? '0' : '-1',
      title: label,
      'aria-label': label,
      'data-key': key + ':' + index,
    });
    var show = function () { tip.textContent = label; };
    cell.addEventListener('mouseenter', show);
    cell.addEventListener('focus', show);
    bar.appendChild(cell);
  });
  bar.addEventListener('keydown', function (event) {
    var cells = bar.querySelectorAll('.cell');
    var at = Array.prototype.indexOf.call(cells, document.activeElement);
    if (at < 0) return;
    var to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: cells.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    to = Math.max(0, Math.min(cells.length - 1, to));
    rove(bar, cells[to]);
    cells[to].focus();
  });
  bar.addEventListener('mouseleave', function () {
    if (!bar.contains(document.activeElement)) tip.textContent = '';
  });
  return [bar, tip];
}

/** Response-time chart (p50 and p95) as inline SVG; a gap in the data is a gap in the line. */
var CHART = { w: 600, h: 120, top: 8, bottom: 8 };

function niceMax(value) {
  if (!(value > 0)) return 1;
  var step = Math.pow(10, Math.floor(Math.log10(value)));
  var steps = [1, 2, 2.5, 5, 10];
  for (var i = 0; i < steps.length; i++) if (steps[i] * step >= value) return steps[i] * step;
  return 10 * step;
}

function series(points, field, x, y) {
  var nodes = [];
  var run = [];
  var flush = function () {
    if (run.length > 1) nodes.push(svg('polyline', { class: field === 'p50Ms' ? 'p50' : 'p95', points: run.join(' ') }));
    run = [];
  };
  points.forEach(function (point, index) {
    var value = point[field];
    if (value === null || value === undefined) return flush();
    run.push(x(index).toFixed(1) + ',' + y(value).toFixed(1));
    nodes.push(svg('circle', { class: field === 'p50Ms' ? 'p50' : 'p95', cx: x(index).toFixed(1), cy: y(value).toFixed(1), r: 3 },
      svg('title', { text: field.slice(0, 3) + ' ' + ms(value) + ' at ' + new Date(point.t).toLocaleString() })));
  });
  flush();
  return nodes;
}

function latencyChart(history, rangeWords) {
  if (!history) return [empty('No response times yet.')];
  var points = history.points;
  var withData = points.filter(function (p) { return p.p50Ms !== null && p.p50Ms !== undefined || p.p95Ms !== null && p.p95Ms !== undefined; });
  if (!withData.length) return [empty('No response times for this range yet.')];
  var top = niceMax(Math.max.apply(null, withData.map(function (p) { return Math.max(p.p95Ms || 0, p.p50Ms || 0); })));
  var inner = CHART.h - CHART.top - CHART.bottom;
  var x = function (index) { return points.length === 1 ? CHART.w / 2 : 4 + (index * (CHART.w - 8)) / (points.length - 1); };
  var y = function (value) { return CHART.top + inner - (Math.min(value, top) / top) * inner; };
  var latest = withData[withData.length - 1];
  var summary = 'Response time, ' + rangeWords + ': latest p50 ' + ms(latest.p50Ms) + ', p95 ' + ms(latest.p95Ms) + '; scale 0 to ' + ms(top);
  var grid = [0, 0.5, 1].map(function (f) {
    var at = (CHART.top + inner * f).toFixed(1);
    return svg('line', { class: 'grid', x1: 0, x2: CHART.w, y1: at, y2: at });
  });
  var chart = svg('svg', { class: 'chart', viewBox: '0 0 ' + CHART.w + ' ' + CHART.h, role: 'img', 'aria-label': summary },
    [svg('title', { text: summary })].concat(grid, series(points, 'p95Ms', x, y), series(points, 'p50Ms', x, y)));
  var legend = el('p', { class: 'legend' }, [
    el('span', { class: 'k50', text: 'p50 ' + ms(latest.p50Ms) }),
    el('span', { class: 'k95', text: 'p95 ' + ms(latest.p95Ms) }),
    el('span', { text: 'top of scale ' + ms(top) }),
    el('span', { text: rangeWords + ', one point per ' + (history.bucketSeconds < 86400 ? 'hour' : 'day') }),
  ]);
  return [chart, legend];
}
`;
