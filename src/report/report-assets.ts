/**
 * The report page's style and script, inline (the page loads nothing: its Content-Security-Policy
 * allows exactly these two by hash). The script reads the page's data block and only adds
 * behaviour: a byte's field and both values on hover or focus (arrow keys move between bytes), a reason's link marking and
 * focusing its bytes, lines joining moved capabilities. Without it the page still reads, prints
 * and links (each reason's link is an anchor to its first byte).
 */

export const REPORT_STYLE = `
:root { --fg: #1b1b1b; --muted: #5a5a5a; --ok: #1d6b2f; --bad: #a3201c; --warn: #8a5a00; --line: #c7c7c7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); margin: 0 1.5rem 4rem; }
h1 { font-size: 1.4rem; margin: 1rem 0 .2rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; border-bottom: 1px solid var(--line); }
.question { margin: 0; color: var(--muted); }
.verdict { font-size: 1.15rem; margin: .6rem 0; }
.verdict strong { padding: .1rem .5rem; border: 2px solid currentColor; border-radius: 4px; }
.verdict.ok strong { color: var(--ok); }
.verdict.bad strong { color: var(--bad); }
dl.sides { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .4rem 0; }
dl.sides dt { font-weight: 600; }
dl.sides dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
ol.reasons { padding-left: 2.2rem; }
ol.reasons li { margin: .25rem 0; }
.sev { font-weight: 700; text-transform: uppercase; font-size: .8em; padding: 0 .3em; border: 1px solid currentColor; border-radius: 3px; }
.sev.error { color: var(--bad); }
.sev.warning { color: var(--warn); }
.code { font-family: ui-monospace, monospace; font-weight: 600; }
a.jump { font-family: ui-monospace, monospace; }
.maps { position: relative; display: flex; flex-wrap: wrap; gap: 2.5rem; align-items: flex-start; }
.side { flex: 0 0 auto; }
svg.joins { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; overflow: visible; }
svg.joins line { stroke: #444; stroke-width: 1.5; stroke-dasharray: 5 3; }
table.grid { border-collapse: collapse; font: 12px/1.3 ui-monospace, monospace; }
table.grid caption { text-align: left; font: 600 13px system-ui, sans-serif; padding-bottom: .3rem; }
table.grid th { font-weight: 400; color: var(--muted); padding: 0 .35rem; text-align: right; }
.c { display: table-cell; width: 1.9em; text-align: center; border: 1px solid #e2e2e2; cursor: default; font: 12px/1.3 ui-monospace, monospace; }
span.c { display: inline-block; padding: 0 .2em; margin-right: .3rem; }
td.c:focus, td.c:hover { outline: 2px solid #000; outline-offset: -2px; }
.bs { border-left: 3px solid #000 !important; }
table.grid td.lab { text-align: left; padding: 0 .5rem; width: 15rem; min-width: 15rem; max-width: 15rem; font: 12px/1.3 system-ui, sans-serif; }
table.grid tr.gap td { color: var(--muted); font-style: italic; padding: .15rem .5rem; border: 1px dashed var(--line); }
.blk { display: block; }
.blk.moved::after { content: " (moved)"; font-style: italic; }
.d { font-weight: 700; text-decoration: underline wavy var(--bad); background-image: repeating-linear-gradient(45deg, transparent 0 3px, rgba(163, 32, 28, .28) 3px 5px) !important; }
.w { text-decoration: underline dotted var(--warn); font-weight: 700; }
.x { text-decoration: underline dotted #777; }
.hl { outline: 3px solid #0b57d0 !important; outline-offset: -3px; }
.z { color: #aaa; }
.kh { background: #ececec; } .em { background: repeating-linear-gradient(135deg, #fff 0 4px, #e6e6e6 4px 6px); }
.k0 { background: #dbeafe; } .k1 { background: #dcfce7; } .k2 { background: #fef3c7; } .k3 { background: #fce7f3; }
.k4 { background: #e0e7ff; } .k5 { background: #ccfbf1; } .k6 { background: #ffedd5; } .k7 { background: #ede9fe; }
.k8 { background: #ecfccb; } .k9 { background: #fee2e2; }
.legend > span { display: inline-block; margin-right: 1.2rem; }
table.list { border-collapse: collapse; }
table.list th, table.list td { border: 1px solid var(--line); padding: .2rem .5rem; text-align: left; vertical-align: top; }
.digest { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
#inspector { position: fixed; left: 0; right: 0; bottom: 0; background: #fffbe6; border-top: 1px solid #d9c77a; padding: .4rem 1.5rem; font: 13px ui-monospace, monospace; min-height: 2.2rem; }
table.matrix { border-collapse: collapse; }
table.matrix th, table.matrix td { border: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top; max-width: 24rem; }
table.matrix th { text-align: left; }
table.matrix td.yes { background: #dcfce7; }
table.matrix td.no { background: #fee2e2; }
table.matrix .v { font-weight: 700; display: block; }
table.matrix .why { font-size: .85em; color: #333; }
@media print {
  #inspector { display: none; }
  body { margin: 0; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  section { break-inside: avoid-page; }
  a.jump { color: inherit; text-decoration: none; }
}
`

/**
 * Behaviour over the data block `#vpci-data`: `{sides:[{role,name,hex,labels,at,map}], reasons:[{ranges}]}`.
 * Cells are `td.c` with ids `b<side>-<offset hex>`; block labels `L<side>-<block>`; joins `[from, to]`.
 */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var node = document.getElementById('vpci-data');
  if (!node) return;
  var data = JSON.parse(node.textContent);
  var inspector = document.getElementById('inspector');
  var hex = function (n) { return '0x' + n.toString(16); };
  var mapped = function (map, at) {
    for (var i = 0; i < map.length; i++) if (at >= map[i][0] && at < map[i][1]) return map[i][2] + (at - map[i][0]);
    return at;
  };
  var byteOf = function (side, at) {
    var s = data.sides[side];
    return at < s.hex.length / 2 ? '0x' + s.hex.substr(at * 2, 2) : 'none (outside its ' + s.hex.length / 2 + ' bytes)';
  };
  var describe = function (side, at) {
    var s = data.sides[side], other = 1 - side, o = data.sides[other];
    var there = mapped(s.map, at);
    var field = s.at[at] >= 0 ? s.labels[s.at[at]] : 'no field: compared byte by byte';
    return s.role + ' ' + hex(at) + ' = ' + byteOf(side, at) + '; ' + o.role + ' ' + hex(there) + ' = ' + byteOf(other, there) + ' — ' + field;
  };
  var cellInfo = function (el) {
    var m = /^b([01])-([0-9a-f]+)$/.exec(el.id || '');
    return m ? { side: Number(m[1]), at: parseInt(m[2], 16) } : null;
  };
  var show = function (ev) {
    var el = ev.target;
    if (!el || !el.classList || !el.classList.contains('c')) return;
    var c = cellInfo(el);
    if (!c) return;
    var text = describe(c.side, c.at);
    el.title = text;
    if (inspector) inspector.textContent = text;
  };
  document.addEventListener('mouseover', show);
  document.addEventListener('focusin', show);
  // Arrow keys move between bytes (over folded stretches); each grid's first byte is in the tab order.
  var STEP = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -16, ArrowDown: 16 };
  document.addEventListener('keydown', function (ev) {
    var c = ev.target && ev.target.classList && ev.target.classList.contains('c') ? cellInfo(ev.target) : null;
    var step = STEP[ev.key];
    if (!c || !step) return;
    var size = data.sides[c.side].hex.length / 2;
    for (var at = c.at + step; at >= 0 && at < size; at += step) {
      var next = document.getElementById('b' + c.side + '-' + at.toString(16));
      if (next) {
        ev.preventDefault();
        next.focus();
        return;
      }
    }
  });
  var marked = [];
  var mark = function (ranges) {
    marked.forEach(function (el) { el.classList.remove('hl'); });
    marked = [];
    var first = null;
    ranges.forEach(function (r, side) {
      if (!r) return;
      for (var at = r[0]; at < r[1]; at++) {
        var el = document.getElementById('b' + side + '-' + at.toString(16));
        if (!el) continue;
        el.classList.add('hl');
        marked.push(el);
        if (!first) first = el;
      }
    });
    return first;
  };
  document.addEventListener('click', function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest('a.jump') : null;
    if (!a) return;
    var r = data.reasons[Number(a.getAttribute('data-reason'))];
    if (!r) return;
    ev.preventDefault();
    var first = mark(r.ranges);
    if (first) {
      first.scrollIntoView({ block: 'center' });
      first.focus();
    }
  });
  var svg = document.getElementById('joins');
  var draw = function () {
    if (!svg) return;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var box = svg.getBoundingClientRect();
    (data.joins || []).forEach(function (j) {
      var a = document.getElementById('L0-' + j[0]), b = document.getElementById('L1-' + j[1]);
      if (!a || !b) return;
      var ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
      var line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
      line.setAttribute('x1', String(ra.right - box.left));
      line.setAttribute('y1', String(ra.top + ra.height / 2 - box.top));
      line.setAttribute('x2', String(rb.left - box.left));
      line.setAttribute('y2', String(rb.top + rb.height / 2 - box.top));
      svg.appendChild(line);
    });
  };
  window.addEventListener('resize', draw);
  window.addEventListener('beforeprint', draw);
  draw();
})();
`
