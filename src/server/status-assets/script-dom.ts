/**
 * The status page script, part 1: DOM helpers. Text from the daemon only ever goes in through textContent or
 * setAttribute, never as markup. Plain ES2017 kept as a string, so the page script needs no bundler and ships in dist/.
 */
export const SCRIPT_DOM = String.raw`
'use strict';
var SVG_NS = 'http://www.w3.org/2000/svg';
var RANGE_WORDS = { '24h': 'last 24 hours', '7d': 'last 7 days', '30d': 'last 30 days', '90d': 'last 90 days' };

/** Every text from the daemon goes in through textContent or setAttribute: never parsed as markup. */
function el(tag, attrs, children) {
  var node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}
function svg(tag, attrs, children) {
  var node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}
function setAttrs(node, attrs) {
  if (!attrs) return;
  Object.keys(attrs).forEach(function (name) {
    var value = attrs[name];
    if (value === null || value === undefined || value === false) return;
    if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, String(value));
  });
}
function append(node, children) {
  if (children === null || children === undefined) return;
  (Array.isArray(children) ? children : [children]).forEach(function (child) {
    if (child === null || child === undefined || child === false) return;
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  });
}

function pct(value) {
  if (value === null || value === undefined) return '—';
  // floored, so 99.996 % never reads as 100 %
  return value >= 100 ? '100 %' : (Math.floor(value * 100) / 100).toFixed(2) + ' %';
}
function ms(value) {
  if (value === null || value === undefined) return '—';
  return value >= 1000 ? (value / 1000).toFixed(2) + ' s' : (value < 10 ? value.toFixed(1) : Math.round(value)) + ' ms';
}
function duration(milliseconds) {
  var s = Math.max(0, Math.round(milliseconds / 1000));
  if (s < 60) return s + ' s';
  var m = Math.floor(s / 60);
  if (m < 60) return m + ' min' + (s % 60 ? ' ' + (s % 60) + ' s' : '');
  var h = Math.floor(m / 60);
  if (h < 48) return h + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : '');
  return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
}
function when(iso, withDate) {
  if (!iso) return el('span', { text: '—' });
  var date = new Date(iso);
  var shown = isNaN(date.getTime()) ? String(iso) : date.toLocaleString(undefined, withDate === false ? { timeStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' });
  return el('time', { datetime: iso, text: shown });
}
function sevClass(severity) {
  return ['P0', 'P1', 'P2', 'P3', 'ok'].indexOf(severity) >= 0 ? severity : 'none';
}
function pill(text, cls) {
  return el('span', { class: 'pill ' + cls, text: text });
}
function empty(text) {
  return el('p', { class: 'empty', text: text });
}

/**
 * Replaces a section only when its data changed, and gives focus back to the element with the same data-key, so a
 * keyboard user does not lose their place when the page updates itself.
 */
function swap(container, signature, build) {
  if (container.getAttribute('data-sig') === signature) return;
  var active = document.activeElement;
  var key = active && container.contains(active) ? active.getAttribute('data-key') : null;
  var built = build();
  container.replaceChildren.apply(container, Array.isArray(built) ? built : [built]);
  container.setAttribute('data-sig', signature);
  if (key === null) return;
  var keyed = container.querySelectorAll('[data-key]');
  for (var i = 0; i < keyed.length; i++) {
    if (keyed[i].getAttribute('data-key') !== key) continue;
    var bar = keyed[i].parentNode;
    if (bar && bar.classList && bar.classList.contains('bar')) rove(bar, keyed[i]);
    keyed[i].focus();
    return;
  }
}
`;
