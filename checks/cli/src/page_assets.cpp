// The page's template: markup, style and script in one string (html.hpp says what a page
// promises). The script draws everything from the JSON in #cookiejar-data; the C++ side
// fills only @GENERATOR@, @TITLE@ and @DATA@. No network: the page's own
// Content-Security-Policy allows nothing but its inline style and script.
namespace cookiejar {

extern const char* const page_template;

const char* const page_template = R"cookiejar-page(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
@GENERATOR@
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>@TITLE@</title>
<style>
:root {
  --bg: #ffffff; --fg: #1d1f21; --muted: #5c6370; --line: #d0d4da; --panel: #f5f6f8;
  --sel: #fff3b0; --sel-fg: #1d1f21; --accent: #0b57d0; --bad: #b3261e; --good: #146c2e;
  --t0: #0b57d0; --t1: #b3261e; --t2: #146c2e; --t3: #8e24aa; --t4: #b06000; --t5: #00796b;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #16181c; --fg: #e6e6e6; --muted: #a0a7b4; --line: #3a3f47; --panel: #1f2228;
    --sel: #5a4a00; --sel-fg: #ffffff; --accent: #8ab4f8; --bad: #f2b8b5; --good: #9ad9a8;
    --t0: #8ab4f8; --t1: #f28b82; --t2: #81c995; --t3: #d7aefb; --t4: #fdd663; --t5: #78d9ec;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1400px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.35rem; margin: .2rem 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
h3 { font-size: 1rem; margin: 1.1rem 0 .4rem; }
a { color: var(--accent); }
code, pre, .mono { font-family: var(--mono); font-size: 13px; }
pre { background: var(--panel); border: 1px solid var(--line); padding: .6rem; overflow: auto; white-space: pre-wrap; }
.meta { color: var(--muted); margin: 0; }
.verdict { font-size: 1.1rem; font-weight: 600; color: var(--bad); margin: .3rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: .4rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem; margin: .8rem 0 .4rem;
  position: sticky; top: 0; background: var(--bg); padding: .4rem 0; z-index: 2; border-bottom: 1px solid var(--line); }
button { font: inherit; color: var(--fg); background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .25rem .7rem; cursor: pointer; }
button:hover { border-color: var(--accent); }
button:focus-visible, tr:focus-visible, select:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button:disabled { opacity: .45; cursor: default; }
#step-says { font-weight: 600; }
.top { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 660px); gap: 1.5rem; align-items: start; }
@media (max-width: 1100px) { .top { grid-template-columns: 1fr; } }
.panes { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); gap: 1rem; align-items: start; }
@media (max-width: 900px) { .panes { grid-template-columns: 1fr; } }
.scroll { position: relative; max-height: 70vh; overflow: auto; border: 1px solid var(--line); }
table.grid { border-collapse: collapse; width: 100%; font-family: var(--mono); font-size: 12.5px; }
table.grid th { position: sticky; top: 0; background: var(--panel); text-align: left; padding: .3rem .4rem; border-bottom: 1px solid var(--line); }
table.grid td { padding: .15rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; white-space: nowrap; }
table.grid td.n { color: var(--muted); text-align: right; }
table.grid tr { cursor: pointer; }
table.grid tr.selected td { background: var(--sel); color: var(--sel-fg); }
table.grid tr.past td.cell { opacity: .95; }
table.grid tr.future td.cell { opacity: .55; }
.line-no { color: var(--muted); }
.src { font-family: var(--mono); font-size: 12.5px; }
.src-line { display: grid; grid-template-columns: 3.2em 5.5em 1fr; white-space: pre; }
.src-line .no { color: var(--muted); text-align: right; padding-right: .5em; user-select: none; }
.src-line.selected { background: var(--sel); color: var(--sel-fg); font-weight: 600; }
.src-line.held { box-shadow: inset 3px 0 0 var(--muted); }
.marks { display: flex; gap: 2px; }
.chip { display: inline-block; min-width: 1.9em; padding: 0 .25em; border-radius: 4px; font-size: 11px; line-height: 1.5; text-align: center; color: var(--bg); font-weight: 700; }
.t0 { --t: var(--t0); } .t1 { --t: var(--t1); } .t2 { --t: var(--t2); } .t3 { --t: var(--t3); } .t4 { --t: var(--t4); } .t5 { --t: var(--t5); }
.chip { background: var(--t); }
th .chip { margin-right: .3em; }
.file-bar { display: flex; gap: .5rem; align-items: center; padding: .3rem .4rem; background: var(--panel); border-bottom: 1px solid var(--line); position: sticky; top: 0; }
.legend { color: var(--muted); font-size: 13px; margin: .3rem 0; }
svg.waits { max-width: 100%; height: auto; background: var(--panel); border: 1px solid var(--line); }
svg.waits text { fill: var(--fg); font: 13px system-ui, sans-serif; }
svg.waits .edge { stroke: var(--fg); fill: none; stroke-width: 1.6; }
svg.waits .held { stroke: var(--bad); stroke-dasharray: 5 4; }
svg.waits .node { fill: var(--bg); stroke: var(--line); stroke-width: 1.5; }
svg.waits .node.blocked { stroke: var(--bad); stroke-width: 2.2; }
svg.waits .node.object { stroke: var(--accent); }
svg.waits .label { fill: var(--muted); font-size: 12px; }
svg.waits marker path { fill: var(--fg); }
svg.waits marker#head-held path { fill: var(--bad); }
table.race { border-collapse: collapse; }
table.race th, table.race td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
.cmd { display: flex; gap: .5rem; align-items: flex-start; margin: .3rem 0; }
.cmd code { flex: 1; background: var(--panel); border: 1px solid var(--line); padding: .35rem .5rem; overflow-wrap: anywhere; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
ul.pages li { margin: .5rem 0; }
footer { color: var(--muted); margin-top: 2rem; font-size: 13px; }
kbd { font-family: var(--mono); border: 1px solid var(--line); border-radius: 3px; padding: 0 .3em; background: var(--panel); }
</style>
</head>
<body>
<main id="app" aria-live="off"><noscript>This page draws itself with its script. The same failure in words: run the cookiejar command that wrote it.</noscript></main>
<script type="application/json" id="cookiejar-data">@DATA@</script>
<script>
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('cookiejar-data').textContent);
  var app = document.getElementById('app');
  app.textContent = '';

  // el('tag', {attr: value, class: ..., on: {event: f}}, children...): strings become text.
  function el(tag, attrs) {
    var node = document.createElement(tag);
    attrs = attrs || {};
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'on') Object.keys(v).forEach(function (e) { node.addEventListener(e, v[e]); });
      else if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    });
    for (var i = 2; i < arguments.length; i++) add(node, arguments[i]);
    return node;
  }
  function add(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { add(node, c); }); return; }
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A thread's chip: "producer 0" -> P0, "observer 0 (T7)" -> O0, "closer" -> C; T<n>
  // when two would look alike.
  function shortNames(threads) {
    var names = threads.map(function (t) {
      var word = /[A-Za-z]/.exec(t);
      var digits = /[0-9]+/.exec(t);
      return (word ? word[0].toUpperCase() : 'T') + (digits ? digits[0] : '');
    });
    return names.map(function (n, i) { return names.indexOf(n) === names.lastIndexOf(n) ? n : 'T' + (i + 1); });
  }
  function chip(i, names, title) {
    return el('span', {class: 'chip t' + (i % 6), title: title, 'aria-hidden': 'true'}, names[i]);
  }
  function copyButton(text, what) {
    var b = el('button', {type: 'button', 'aria-label': 'copy ' + what}, 'copy');
    b.addEventListener('click', function () {
      var done = function () { b.textContent = 'copied'; setTimeout(function () { b.textContent = 'copy'; }, 1500); };
      var fallback = function () { b.textContent = 'select it and copy'; };
      try {
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, fallback);
        else fallback();
      } catch (e) { fallback(); }
    });
    return b;
  }
  function command(label, text) {
    return el('div', null, el('div', {class: 'legend'}, label), el('div', {class: 'cmd'}, el('code', null, text), copyButton(text, label)));
  }
  function fileOf(path) {
    for (var i = 0; i < data.files.length; i++) if (data.files[i].path === path) return data.files[i];
    return null;
  }
  function lineText(path, line) {
    var f = fileOf(path);
    if (!f || !line) return '';
    return (f.text.split('\n')[line - 1] || '').trim();
  }
  function at(place) { return place && place.file ? place.file + ':' + place.line : ''; }
  function lineOf(place) { return place && place.line ? 'line ' + place.line : ''; }

  if (data.kind === 'index') return index();
  return check();

  function index() {
    document.title = 'lesson ' + data.lesson.number + ': the failed checks';
    add(app, el('h1', null, 'Lesson ' + data.lesson.number + ' (' + data.lesson.topic + '): the failed checks'));
    if (data.build_error) {
      add(app, el('p', {class: 'verdict'}, 'The lesson does not build: ' + data.build_error.verdict));
      add(app, el('pre', null, data.build_error.details));
    }
    if (!data.pages.length && !data.build_error) add(app, el('p', null, 'Every check passed: there is no failure to show.'));
    var list = el('ul', {class: 'pages'});
    data.pages.forEach(function (p) {
      add(list, el('li', null, el('a', {href: p.file}, p.sentence),
        el('div', {class: 'meta'}, p.analysis + ' check, ' + p.status + (p.steps ? ', ' + p.steps + ' steps' : '') +
          (p.bug_words ? '. Looks like: ' + p.bug_words : '')),
        el('div', null, p.verdict)));
    });
    add(app, list);
    add(app, command('Stuck? The next hint:', data.hint));
    add(app, el('footer', null, 'Written by ' + data.made_by + ' from the checks\u2019 verdict records.'));
  }

  function check() {
    var findings = data.findings;
    var primary = 0;
    for (var i = 0; i < findings.length; i++) if (findings[i].steps.length) { primary = i; break; }
    add(app, el('p', {class: 'meta'}, el('a', {href: 'index.html'}, 'lesson ' + data.lesson.number + ' (' + data.lesson.topic + ')'),
      ' \u00b7 ' + data.check.analysis + ' check \u00b7 ' + data.check.status));
    add(app, el('h1', null, data.check.sentence));
    if (!findings.length) add(app, el('p', {class: 'verdict'}, data.check.reason || 'the check failed'));
    findings.forEach(function (f, i) {
      var words = summary(f, i === primary, findings.length);
      // The end state beside the words: who waits for what (a deadlock's or a hang's graph).
      if (i === primary && f.waits && f.waits.length) add(app, el('div', {class: 'top'}, words, waitGraph(f, f.threads, f.steps)));
      else add(app, words);
      if (i === primary) stepper(f);
    });
    add(app, el('h2', null, 'What to do next'));
    findings.forEach(function (f) { if (f.replay) add(app, command('Replay this schedule (run it from the repository root):', f.replay)); });
    add(app, command('Stuck? The next hint (cookiejar hint shows one more each time):', data.hint));
    findings.forEach(function (f, i) {
      if (f.details) add(app, el('details', null, el('summary', null, 'The report in words' + (findings.length > 1 ? ' (problem ' + (i + 1) + ')' : '')), el('pre', null, f.details)));
    });
    add(app, el('footer', null, 'Written by ' + data.made_by + ' from the check\u2019s verdict records (' + data.check.name + ').'));
  }

  function summary(f, isPrimary, count) {
    var box = el('section', {'aria-label': 'what failed'});
    add(box, el('h2', null, count > 1 ? 'What failed' + (isPrimary ? '' : ' (also)') : 'What failed'));
    add(box, el('p', {class: 'verdict', id: isPrimary ? 'verdict' : null}, f.verdict));
    var facts = el('dl', {class: 'facts'});
    var fact = function (k, v, id) { if (v) add(facts, [el('dt', null, k), el('dd', {id: id || null}, v)]); };
    fact('looks like', f.bug_words, isPrimary ? 'bug-class' : null);
    fact('where', f.where);
    fact('found by', f.analysis + (f.search ? ': ' + f.search : ''));
    fact('then', f.conclusion);
    add(box, facts);
    if (f.accesses && f.accesses.length >= 2) add(box, race(f));
    return box;
  }

  function race(f) {
    var wrap = el('div', {id: 'race'});
    add(wrap, el('h3', null, 'The two accesses ThreadSanitizer saw, with nothing ordering them'));
    var t = el('table', {class: 'race'});
    add(t, el('tr', null, ['', 'thread', 'did', 'where', 'locks it held'].map(function (h) { return el('th', {scope: 'col'}, h); })));
    [['earlier', f.accesses[1]], ['then', f.accesses[0]]].forEach(function (row) {
      var a = row[1];
      var locks = a.locks.length ? a.locks.map(function (l) {
        var made = l.created_at ? ' (first seen at line ' + l.created_at.line + ': ' + lineText(l.created_at.file, l.created_at.line) + ')' : '';
        return l.id + made;
      }).join('; ') : 'none';
      add(t, el('tr', null, el('th', {scope: 'row'}, row[0]), el('td', null, a.thread),
        el('td', null, (a.write ? 'wrote' : 'read') + ' in ' + (a.function || '(outside your file)')),
        el('td', null, el('span', {class: 'mono'}, at(a.at)), el('br'), el('code', null, lineText(a.at && a.at.file, a.at && a.at.line))),
        el('td', {class: 'locks'}, locks)));
    });
    add(wrap, t);
    return wrap;
  }

  function stepper(f) {
    var steps = f.steps, threads = f.threads.slice();
    (f.waits || []).forEach(function (w) { if (!steps.length && threads.indexOf(w.thread) < 0) threads.push(w.thread); });
    if (!threads.length) threads = ['thread'];
    var names = shortNames(threads);
    var hasSteps = steps.length > 0;
    var student = data.files.length ? data.files[0].path : '';
    var shown = student;
    var current = 1;

    if (hasSteps) {
      var says = el('span', {id: 'step-says'});
      var first = el('button', {type: 'button', id: 'first', 'aria-label': 'first step'}, '\u00ab first');
      var back = el('button', {type: 'button', id: 'back', 'aria-label': 'step back'}, '\u2039 back');
      var next = el('button', {type: 'button', id: 'next', 'aria-label': 'step forward'}, 'next \u203a');
      var last = el('button', {type: 'button', id: 'last', 'aria-label': 'last step'}, 'last \u00bb');
      first.addEventListener('click', function () { go(1); });
      back.addEventListener('click', function () { go(current - 1); });
      next.addEventListener('click', function () { go(current + 1); });
      last.addEventListener('click', function () { go(steps.length); });
      add(app, el('h2', null, f.timeline === 'race' ? 'The two accesses, in order' : 'The interleaving, step by step'));
      add(app, el('p', {class: 'legend'}, 'Time runs down, one column per ' + (f.source === 'schedule' ? 'task' : 'thread') +
        '. Step with ', el('kbd', null, '\u2190'), ' and ', el('kbd', null, '\u2192'), ' (', el('kbd', null, 'Home'), ', ',
        el('kbd', null, 'End'), '), the buttons, or a click on a row. The address keeps the step.'));
      add(app, el('div', {class: 'controls', role: 'group', 'aria-label': 'steps'}, first, back, next, last, says));
      var live = el('p', {class: 'sr-only', 'aria-live': 'polite', id: 'step-live'});
      add(app, live);
    }
    var panes = el('div', {class: 'panes'});
    add(app, panes);

    var rows = [];
    if (hasSteps) {
      var table = el('table', {class: 'grid', id: 'grid'});
      var head = el('tr', null, el('th', {scope: 'col'}, '#'));
      threads.forEach(function (t, i) { add(head, el('th', {scope: 'col'}, chip(i, names, t), t)); });
      add(table, el('thead', null, head));
      var body = el('tbody');
      steps.forEach(function (s, k) {
        var tr = el('tr', {'data-step': k + 1});
        add(tr, el('td', {class: 'n'}, k + 1));
        threads.forEach(function (t, i) {
          add(tr, el('td', {class: i === s.thread ? 'cell' : null},
            i === s.thread ? [s.text, s.line ? el('span', {class: 'line-no'}, ' @' + s.line) : null] : ''));
        });
        tr.addEventListener('click', function () { go(k + 1); });
        rows.push(tr);
        add(body, tr);
      });
      add(table, body);
      add(panes, el('div', {class: 'scroll', id: 'grid-pane'}, table));
    }

    var source = el('div', {class: 'scroll src', id: 'source', 'aria-label': 'your file'});
    add(panes, source);
    var bar = el('div', {class: 'file-bar'});
    var picker = null;
    if (data.files.length > 1) {
      picker = el('select', {'aria-label': 'file'});
      data.files.forEach(function (file) { add(picker, el('option', {value: file.path}, file.path)); });
      picker.addEventListener('change', function () { shown = picker.value; draw(); });
      add(bar, picker);
    } else {
      add(bar, el('span', {class: 'mono', id: 'file-name'}, student || '(no file)'));
    }
    var lines = el('div', {id: 'lines'});
    add(source, [bar, lines]);
    add(app, el('p', {class: 'legend'}, 'Each chip marks the line a thread is at: ',
      threads.map(function (t, i) { return [chip(i, names, t), ' ' + t + '  ']; }),
      hasSteps ? ' The highlighted line is the selected step\u2019s.' : ''));


    var drawnFile = null, lineNodes = [];
    function drawFile() {
      if (drawnFile === shown) return;
      drawnFile = shown;
      lines.textContent = '';
      lineNodes = [];
      var file = fileOf(shown);
      if (!file) return;
      file.text.replace(/\n$/, '').split('\n').forEach(function (text, i) {
        var marks = el('span', {class: 'marks'});
        var row = el('div', {class: 'src-line', 'data-line': i + 1}, el('span', {class: 'no'}, i + 1), marks, el('code', null, text));
        lineNodes.push({row: row, marks: marks});
        add(lines, row);
      });
    }
    // Where each thread is at step k: the line of its latest step so far that has one.
    function positions(k) {
      var where = threads.map(function () { return null; });
      if (!hasSteps) {
        (f.waits || []).forEach(function (w) {
          var i = threads.indexOf(w.thread);
          if (i >= 0 && w.at) where[i] = {file: w.at.file, line: w.at.line};
        });
        if (f.location && f.location.line && where.every(function (p) { return !p; })) where[0] = {file: f.location.file, line: f.location.line};
        return where;
      }
      for (var j = 0; j < k; j++) {
        var s = steps[j];
        if (s.line && s.file) where[s.thread] = {file: s.file, line: s.line};
      }
      return where;
    }
    function draw() {
      drawFile();
      lineNodes.forEach(function (n) { n.row.classList.remove('selected'); n.row.removeAttribute('aria-current'); n.marks.textContent = ''; });
      var where = positions(current);
      where.forEach(function (p, i) {
        if (!p || p.file !== shown || !lineNodes[p.line - 1]) return;
        add(lineNodes[p.line - 1].marks, el('span', {class: 'chip t' + (i % 6), title: threads[i] + ' is here', 'data-thread': i}, names[i]));
      });
      var target = null;
      if (hasSteps) {
        var s = steps[current - 1];
        if (s.line && s.file === shown) target = s.line;
      } else if (f.location && f.location.file === shown) {
        target = f.location.line;
      }
      if (target && lineNodes[target - 1]) {
        lineNodes[target - 1].row.classList.add('selected');
        lineNodes[target - 1].row.setAttribute('aria-current', 'true');
        scrollInto(lineNodes[target - 1].row, source);
      }
    }
    function scrollInto(node, pane) {
      var top = node.offsetTop, bottom = top + node.offsetHeight;
      if (top < pane.scrollTop + 30 || bottom > pane.scrollTop + pane.clientHeight) pane.scrollTop = Math.max(0, top - pane.clientHeight / 3);
    }
    function go(k) {
      if (!hasSteps) return;
      k = Math.max(1, Math.min(steps.length, k));
      current = k;
      var s = steps[k - 1];
      if (s.file && s.line && fileOf(s.file) && s.file !== shown) { shown = s.file; if (picker) picker.value = shown; }
      rows.forEach(function (tr, j) {
        tr.classList.toggle('selected', j === k - 1);
        tr.classList.toggle('future', j > k - 1);
        if (j === k - 1) tr.setAttribute('aria-current', 'step'); else tr.removeAttribute('aria-current');
      });
      scrollInto(rows[k - 1], document.getElementById('grid-pane'));
      var words = 'Step ' + k + ' of ' + steps.length + ': ' + threads[s.thread] + ', ' + s.text + (s.line ? ' (line ' + s.line + ')' : '');
      says.textContent = words;
      live.textContent = words;
      first.disabled = back.disabled = k === 1;
      next.disabled = last.disabled = k === steps.length;
      app.setAttribute('data-step', String(k));
      var hash = '#step-' + k;
      if (location.hash !== hash) history.replaceState(null, '', hash);
      draw();
    }
    if (hasSteps) {
      document.addEventListener('keydown', function (e) {
        if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
        var tag = (e.target && e.target.tagName) || '';
        if (tag === 'SELECT' || tag === 'INPUT' || tag === 'TEXTAREA') return;
        var to = {ArrowRight: current + 1, ArrowLeft: current - 1, Home: 1, End: steps.length}[e.key];
        if (to === undefined) return;
        e.preventDefault();
        go(to);
      });
      var fromHash = function () {
        var m = /^#step-(\d+)$/.exec(location.hash);
        return m ? parseInt(m[1], 10) : 1;
      };
      window.addEventListener('hashchange', function () { go(fromHash()); });
      go(fromHash());
    } else {
      draw();
    }
  }

  // Who waits for what: threads on the left, the objects they wait for on the right; an
  // arrow from a thread to what it waits for, and a dashed one from an object to its holder.
  function waitGraph(f, threads, steps) {
    var box = el('section', {id: 'waits', 'aria-label': 'who waits for what'});
    add(box, el('h2', null, 'Who waits for what, at the end'));
    var people = threads.slice();
    var objects = [];
    f.waits.forEach(function (w) {
      [w.thread, w.holder].forEach(function (t) { if (t && people.indexOf(t) < 0) people.push(t); });
      if (objects.indexOf(w.object) < 0) objects.push(w.object);
    });
    var blocked = {}, holds = {};
    f.waits.forEach(function (w) {
      if (w.action === 'holds') holds[w.thread] = (holds[w.thread] || []).concat([w.object]);
      else if (w.action !== 'runs') blocked[w.thread] = true;
      if (w.holder) holds[w.holder] = (holds[w.holder] || []).concat([w.object]);
    });
    var finished = {};
    steps.forEach(function (s) { finished[threads[s.thread]] = s.text === '(finished)'; });
    var state = function (t) {
      if (blocked[t]) return 'blocked';
      if (finished[t]) return 'finished';
      return f.source === 'model' || f.source === 'schedule' ? 'not blocked' : '';
    };
    var W = 640, rowH = 58, nodeW = 190, nodeH = 40, leftX = 10, rightX = W - nodeW - 10;
    var H = Math.max(people.length, objects.length) * rowH + 24;
    var g = svg('svg', {class: 'waits', viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'aria-labelledby': 'waits-words'});
    var defs = svg('defs');
    [['head', ''], ['head-held', '']].forEach(function (m) {
      var marker = svg('marker', {id: m[0], viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse'});
      marker.appendChild(svg('path', {d: 'M 0 0 L 10 5 L 0 10 z'}));
      defs.appendChild(marker);
    });
    g.appendChild(defs);
    var yOf = function (i) { return 12 + i * rowH; };
    var edges = svg('g');
    g.appendChild(edges);
    people.forEach(function (t, i) {
      var s = state(t);
      var node = svg('g', {class: 'person', 'data-thread': t});
      node.appendChild(svg('rect', {class: 'node' + (s === 'blocked' ? ' blocked' : ''), x: leftX, y: yOf(i), width: nodeW, height: nodeH, rx: 6}));
      node.appendChild(svg('text', {x: leftX + 10, y: yOf(i) + 17}, t));
      node.appendChild(svg('text', {class: 'label', x: leftX + 10, y: yOf(i) + 33}, s + (holds[t] ? (s ? ', ' : '') + 'holds ' + holds[t].join(', ') : '')));
      g.appendChild(node);
    });
    objects.forEach(function (o, i) {
      var node = svg('g', {class: 'object', 'data-object': o});
      node.appendChild(svg('rect', {class: 'node object', x: rightX, y: yOf(i), width: nodeW, height: nodeH, rx: 18}));
      node.appendChild(svg('text', {x: rightX + 14, y: yOf(i) + 25}, o));
      g.appendChild(node);
    });
    var verbs = {lock: 'waits to lock', wait: 'waits on', acquire: 'waits to acquire', await: 'awaits', holds: 'holds, never unlocked'};
    var words = el('ul', {id: 'waits-words'});
    f.waits.forEach(function (w) {
      if (w.action === 'runs') { add(words, el('li', null, w.thread + ' is not blocked in a cj:: call (it may be spinning)')); return; }
      var ti = people.indexOf(w.thread), oi = objects.indexOf(w.object);
      var x1 = leftX + nodeW, y1 = yOf(ti) + nodeH / 2 - 6, x2 = rightX, y2 = yOf(oi) + nodeH / 2 - 6;
      edges.appendChild(svg('path', {class: 'edge', d: 'M ' + x1 + ' ' + y1 + ' L ' + x2 + ' ' + y2, 'marker-end': 'url(#head)'}));
      edges.appendChild(svg('text', {class: 'label', x: (x1 + x2) / 2 - 50, y: (y1 + y2) / 2 - 6}, (verbs[w.action] || w.action) + (w.at ? ' @' + w.at.line : '')));
      var sentence = w.thread + ' ' + (verbs[w.action] || w.action) + ' ' + w.object + (w.at ? ' at ' + at(w.at) : '');
      if (w.holder) {
        var hi = people.indexOf(w.holder);
        var hx = leftX + nodeW, hy = yOf(hi) + nodeH / 2 + 6, ox = rightX, oy = yOf(oi) + nodeH / 2 + 6;
        var bend = hi === ti ? 40 : 0;
        edges.appendChild(svg('path', {class: 'edge held', d: 'M ' + ox + ' ' + oy + ' C ' + (ox - 80) + ' ' + (oy + bend) + ', ' + (hx + 80) + ' ' + (hy + bend) + ', ' + hx + ' ' + hy, 'marker-end': 'url(#head-held)'}));
        edges.appendChild(svg('text', {class: 'label held-by', x: (ox + hx) / 2 - 40, y: (oy + hy) / 2 + 18}, 'held by ' + w.holder + (w.held_at ? ' since @' + w.held_at.line : '')));
        sentence += '; ' + w.object + ' is held by ' + w.holder + (w.held_at ? ', locked at ' + at(w.held_at) : '') +
          (w.holder_finished ? ', and ' + w.holder + ' has finished without unlocking it' : '');
      } else if (w.action === 'wait') {
        sentence += '; nobody holds a condition variable: only a notify ends this wait';
      }
      add(words, el('li', null, sentence));
    });
    var done = people.filter(function (t) { return state(t) === 'finished'; });
    if (done.length) add(words, el('li', null, done.join(', ') + (done.length === 1 ? ' has' : ' have') + ' finished: nobody is left to wake or unlock.'));
    add(box, g);
    add(box, words);
    return box;
  }
})();
</script>
</body>
</html>
)cookiejar-page";

}  // namespace cookiejar
