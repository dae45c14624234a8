// The renderer of an exported hmkg story (inlined into the file; see
// story_export.go). It reads the JSON in #story-data and shows one step at a
// time: an SVG of the step's nodes, its caption, its citations and their
// sources. Keys ← and → (or the buttons) move between steps. No requests.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('story-data').textContent);
  var story = data.story;
  var root = document.getElementById('story');
  var SVG = 'http://www.w3.org/2000/svg';
  var colours = { MOVEMENT: '#c0392b', ORGANISATION: '#2471a3', INSTITUTION: '#7d3c98', REPORT: '#b9770e', PERSON: '#1e8449', EVENT: '#d35400', TENSION: '#34495e' };
  var current = 0;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function sourceList(sources) {
    var ul = el('ul', { class: 'sources' });
    (sources || []).forEach(function (s) {
      var li = el('li');
      var a = el('a', { href: s.url, rel: 'noopener noreferrer' }, s.title);
      li.appendChild(a);
      var meta = [s.publisher, s.year].filter(Boolean).join(', ');
      if (meta) li.appendChild(document.createTextNode(' (' + meta + ')'));
      ul.appendChild(li);
    });
    return ul;
  }

  function draw(step) {
    var g = step.graph || { nodes: [], relationships: [] };
    var w = 640, h = 420, cx = w / 2, cy = h / 2, r = Math.min(w, h) / 2 - 60;
    var pos = {};
    var fixed = {};
    (step.view.positions || []).forEach(function (p) { fixed[p.nodeId] = p; });
    var n = g.nodes.length;
    var pinned = g.nodes.filter(function (node) { return fixed[node.id]; });
    if (pinned.length === n && n > 1) {
      // The author pinned every node: their layout, scaled into the drawing.
      var xs = pinned.map(function (node) { return fixed[node.id].x; }), ys = pinned.map(function (node) { return fixed[node.id].y; });
      var x0 = Math.min.apply(null, xs), y0 = Math.min.apply(null, ys);
      var k = Math.min((w - 120) / Math.max(Math.max.apply(null, xs) - x0, 1), (h - 80) / Math.max(Math.max.apply(null, ys) - y0, 1));
      g.nodes.forEach(function (node) { pos[node.id] = { x: 60 + (fixed[node.id].x - x0) * k, y: 40 + (fixed[node.id].y - y0) * k }; });
    } else {
      g.nodes.forEach(function (node, i) {
        var a = (2 * Math.PI * i) / Math.max(n, 1) - Math.PI / 2;
        pos[node.id] = n === 1 ? { x: cx, y: cy } : { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
      });
    }
    var hiN = {}, hiR = {};
    (step.view.highlightNodes || []).concat(step.citedNodeIds || []).forEach(function (id) { hiN[id] = true; });
    (step.view.highlightRelationships || []).concat(step.citedRelationshipIds || []).forEach(function (id) { hiR[id] = true; });
    var s = svg('svg', { viewBox: '0 0 ' + w + ' ' + h, role: 'img', 'aria-label': 'Graph of this step: ' + g.nodes.map(function (x) { return x.name; }).join(', ') });
    g.relationships.forEach(function (rel) {
      var a = pos[rel.from], b = pos[rel.to];
      if (!a || !b) return;
      var line = svg('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: hiR[rel.id] ? 'rel hi' : 'rel' });
      var t = svg('title', {}); t.textContent = rel.type; line.appendChild(t);
      s.appendChild(line);
    });
    g.nodes.forEach(function (node) {
      var p = pos[node.id];
      var c = svg('circle', { cx: p.x, cy: p.y, r: hiN[node.id] ? 11 : 7, fill: colours[node.kind] || '#888', class: hiN[node.id] ? 'node hi' : 'node' });
      var t = svg('title', {}); t.textContent = node.name + ' (' + node.kind + ')'; c.appendChild(t);
      s.appendChild(c);
      var label = svg('text', { x: p.x, y: p.y - 14, 'text-anchor': 'middle', class: hiN[node.id] ? 'label hi' : 'label' });
      label.textContent = node.name.length > 28 ? node.name.slice(0, 27) + '…' : node.name;
      s.appendChild(label);
    });
    return s;
  }

  function show(i) {
    var steps = story.steps || [];
    current = Math.max(0, Math.min(i, steps.length - 1));
    var step = steps[current];
    root.textContent = '';
    var head = el('header');
    head.appendChild(el('h1', {}, story.title));
    var by = 'By ' + story.author + ' · version ' + story.version + ' · updated ' + story.updatedAt.slice(0, 10);
    head.appendChild(el('p', { class: 'muted' }, by));
    if (story.stale) head.appendChild(el('p', { class: 'stale', role: 'status' }, 'Some evidence this story cites has changed since it was written.'));
    root.appendChild(head);
    if (!step) { root.appendChild(el('p', {}, 'This story has no steps.')); return; }
    var body = el('div', { class: 'step' });
    var fig = el('figure');
    fig.appendChild(draw(step));
    body.appendChild(fig);
    var side = el('section', { class: 'caption', 'aria-label': 'Caption' });
    side.appendChild(el('h2', {}, 'Step ' + (current + 1) + ' of ' + steps.length + (step.title ? ': ' + step.title : '')));
    if (step.stale) side.appendChild(el('p', { class: 'stale' }, 'Stale: ' + step.changes.map(function (c) { return c.id + ' ' + c.what.toLowerCase(); }).join('; ')));
    var cap = el('div', { class: 'text' });
    cap.innerHTML = step.captionHtml; // sanitised by the server (see StoryStep.captionHtml)
    side.appendChild(cap);
    var cites = el('section', { class: 'cites' });
    cites.appendChild(el('h3', {}, 'Evidence'));
    step.citedNodes.forEach(function (c) {
      var d = el('details'); d.appendChild(el('summary', {}, c.name + ' (' + c.kind.toLowerCase() + ')'));
      if (c.summary) d.appendChild(el('p', {}, c.summary));
      d.appendChild(sourceList(c.sources)); cites.appendChild(d);
    });
    step.citedRelationships.forEach(function (c) {
      var d = el('details');
      d.appendChild(el('summary', {}, c.from.name + ' — ' + c.type.toLowerCase().replace(/_/g, ' ') + ' → ' + c.to.name + (c.year ? ' (' + c.year + ')' : '')));
      if (c.summary) d.appendChild(el('p', {}, c.summary));
      d.appendChild(sourceList(c.sources)); cites.appendChild(d);
    });
    side.appendChild(cites);
    var nav = el('nav', { class: 'nav', 'aria-label': 'Steps' });
    var prev = el('button', { type: 'button', id: 'prev' }, '← Previous');
    var next = el('button', { type: 'button', id: 'next' }, 'Next →');
    prev.disabled = current === 0; next.disabled = current === steps.length - 1;
    prev.addEventListener('click', function () { show(current - 1); });
    next.addEventListener('click', function () { show(current + 1); });
    nav.appendChild(prev); nav.appendChild(next);
    side.appendChild(nav);
    body.appendChild(side);
    root.appendChild(body);
    var foot = el('footer', { class: 'muted' });
    foot.appendChild(document.createTextNode('Exported ' + data.exportedAt.slice(0, 10) + ' from hmkg. Live version: ' + data.permalink));
    root.appendChild(foot);
    document.body.setAttribute('data-step', String(current));
  }

  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowRight') show(current + 1);
    else if (e.key === 'ArrowLeft') show(current - 1);
  });
  show(0);
})();
