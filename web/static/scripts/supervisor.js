// gosupervisor live status page. Progressive enhancement over the classic
// page: the server-rendered table (and its action links) keeps working
// without this script. With it, the page shows processes grouped, updates
// itself from /api/status, acts through /api/action and follows logs from
// /logtail/NAME[/stderr]. Every value from a process goes into the page as
// text (textContent), never as markup.
(function () {
  'use strict';

  var POLL_MS = 2000;
  var LOG_MAX = 512 * 1024; // characters kept in the log view

  var $ = function (sel, el) { return (el || document).querySelector(sel); };
  var initialEl = $('#initial-state');
  if (!initialEl || !window.fetch) { return; }
  var snap;
  try { snap = JSON.parse(initialEl.textContent); } catch (e) { return; }

  // URLs are built on the origin: the page may have been opened as
  // http://user:pass@host/, and fetch() refuses URLs with credentials.
  var base = location.origin + location.pathname.replace(/[^/]*$/, '');
  var skew = snap.now * 1000 - Date.now();
  var pending = {};           // key -> true while an action runs
  var collapsed = {};         // group -> true
  var stateFilter = 'all';
  var filterText = '';
  var selected = null;        // namespec of the selected row
  var rows = {};              // namespec -> row element
  var groupBodies = {};       // group -> tbody
  var prevStates = {};        // namespec -> statename, to flash changes
  var pollTimer = null;
  var live = $('#live');
  var table = $('#procs');
  var filterInput = $('#filter');

  var STATE_TEXT = {
    RUNNING: 'Running', STARTING: 'Starting', BACKOFF: 'Backoff', STOPPING: 'Stopping',
    STOPPED: 'Stopped', EXITED: 'Exited', FATAL: 'Fatal', UNKNOWN: 'Unknown'
  };
  var CHIPS = [
    ['all', 'All'], ['running', 'Running'], ['transition', 'Changing'],
    ['stopped', 'Stopped'], ['error', 'Errors']
  ];
  function stateBucket(s) {
    switch (s) {
      case 'RUNNING': return 'running';
      case 'STARTING': case 'STOPPING': return 'transition';
      case 'BACKOFF': case 'FATAL': case 'UNKNOWN': return 'error';
      default: return 'stopped';
    }
  }

  // ---------- helpers ----------
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (k === 'class') { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
      }
    }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function nowSec() { return Math.floor((Date.now() + skew) / 1000); }
  function duration(sec) {
    if (sec < 0) { sec = 0; }
    var d = Math.floor(sec / 86400), h = Math.floor(sec % 86400 / 3600),
        m = Math.floor(sec % 3600 / 60), s = sec % 60;
    if (d > 0) { return d + 'd ' + h + 'h ' + m + 'm'; }
    if (h > 0) { return h + 'h ' + m + 'm ' + s + 's'; }
    if (m > 0) { return m + 'm ' + s + 's'; }
    return s + 's';
  }
  function ago(t) { return duration(nowSec() - t) + ' ago'; }
  function fullTime(t) { return new Date(t * 1000).toLocaleString(); }
  function api(path, body) {
    var opts = { cache: 'no-store', credentials: 'same-origin' };
    if (body) {
      opts.method = 'POST';
      opts.headers = { 'Content-Type': 'application/json' };
      opts.body = JSON.stringify(body);
    }
    return fetch(base + path, opts).then(function (res) {
      return res.json().catch(function () { return { ok: false, message: 'HTTP ' + res.status }; })
        .then(function (data) {
          if (!res.ok && data.ok === undefined) { data.ok = false; }
          return data;
        });
    });
  }
  function toast(message, ok) {
    var box = $('#toasts');
    var t = el('div', { class: 'toast' + (ok ? '' : ' error'), title: 'Dismiss' }, message);
    t.addEventListener('click', function () { if (t.parentNode) { t.parentNode.removeChild(t); } });
    box.appendChild(t);
    while (box.children.length > 3) { box.removeChild(box.firstChild); }
    setTimeout(function () { if (t.parentNode) { t.parentNode.removeChild(t); } }, ok ? 4000 : 9000);
  }

  // ---------- header ----------
  function renderDaemon() {
    var d = $('#daemon');
    d.textContent = '';
    d.appendChild(el('b', { class: 'host' }, snap.hostname));
    if (snap.identification && snap.identification !== 'supervisor') {
      d.appendChild(el('span', null, snap.identification));
    }
    d.appendChild(el('span', null, 'supervisord ' + snap.state.toLowerCase() + ', pid ' + snap.pid));
    document.title = snap.hostname + ' · Supervisor Status';
  }

  // ---------- chips ----------
  function renderChips() {
    var counts = { all: 0, running: 0, transition: 0, stopped: 0, error: 0 };
    snap.processes.forEach(function (p) { counts.all++; counts[stateBucket(p.statename)]++; });
    var box = $('#chips');
    if (!box.children.length) {
      CHIPS.forEach(function (c) {
        var b = el('button', { type: 'button', class: 'chip', 'data-filter': c[0], 'aria-pressed': 'false' });
        b.appendChild(el('span', { class: 'l' }, c[1]));
        b.appendChild(el('span', { class: 'n' }));
        box.appendChild(b);
      });
    }
    Array.prototype.forEach.call(box.children, function (b) {
      var k = b.getAttribute('data-filter');
      b.querySelector('.n').textContent = counts[k];
      b.setAttribute('aria-pressed', String(k === stateFilter));
      b.classList.toggle('zero', counts[k] === 0);
    });
  }

  // ---------- the table ----------
  function groupsOf(procs) {
    var order = [], by = {};
    procs.forEach(function (p) {
      if (!by[p.group]) { by[p.group] = []; order.push(p.group); }
      by[p.group].push(p);
    });
    return order.map(function (g) {
      var list = by[g];
      // A program's own group (one process of the same name) is shown
      // as a plain row; anything else as a group with its own actions.
      var real = !(list.length === 1 && list[0].name === g);
      return { name: g, procs: list, real: real };
    });
  }
  function matches(p) {
    if (stateFilter !== 'all' && stateBucket(p.statename) !== stateFilter) { return false; }
    if (!filterText) { return true; }
    var hay = (p.namespec + ' ' + p.group + ' ' + p.statename + ' ' + p.description).toLowerCase();
    return filterText.split(/\s+/).every(function (w) { return hay.indexOf(w) >= 0; });
  }
  function actionButton(label, act, name, cls, title) {
    var b = el('button', { type: 'button', class: 'btn btn-small' + (cls ? ' ' + cls : ''), 'data-act': act, 'data-name': name }, label);
    if (title) { b.title = title; b.setAttribute('aria-label', title); }
    if (pending[act + ' ' + name] || pending['* ' + name]) { b.disabled = true; b.classList.add('busy'); }
    return b;
  }
  function buildRow(p) {
    var tr = el('tr', { class: 'proc', tabindex: '-1', 'data-name': p.namespec });
    tr.appendChild(el('td', { class: 'c-state' }));
    var name = el('td', { class: 'c-name' });
    tr.appendChild(name);
    tr.appendChild(el('td', { class: 'c-pid' }));
    tr.appendChild(el('td', { class: 'c-time' }));
    tr.appendChild(el('td', { class: 'c-act' }));
    return tr;
  }
  function timeCell(td, p) {
    td.textContent = '';
    td.removeAttribute('title');
    if (p.statename === 'RUNNING' && p.start) {
      td.textContent = 'up ' + duration(nowSec() - p.start);
      td.title = 'started ' + fullTime(p.start);
    } else if (p.statename === 'STARTING' || p.statename === 'STOPPING') {
      td.textContent = p.statename === 'STARTING' ? 'starting…' : 'stopping…';
    } else if (p.stop && p.start) {
      if (p.statename === 'EXITED' || p.statename === 'BACKOFF' || p.statename === 'FATAL') {
        var code = el('span', { class: p.exitstatus ? 'exit-bad' : '' }, 'exit ' + p.exitstatus);
        td.appendChild(code);
        td.appendChild(document.createTextNode(' · ' + ago(p.stop)));
      } else {
        td.textContent = 'stopped ' + ago(p.stop);
      }
      td.title = 'stopped ' + fullTime(p.stop);
    } else {
      td.appendChild(el('span', { class: 'muted' }, 'never started'));
    }
  }
  function updateRow(tr, p, inGroup) {
    var cells = tr.children;
    var st = p.statename;
    tr.className = 'proc' + (inGroup ? ' ingroup' : '') +
      (st === 'FATAL' || st === 'UNKNOWN' ? ' bad' : st === 'BACKOFF' ? ' warn' : '') +
      (selected === p.namespec ? ' selected' : '');
    if (prevStates[p.namespec] && prevStates[p.namespec] !== st) {
      tr.classList.add('flash');
      setTimeout(function () { tr.classList.remove('flash'); }, 1700);
    }
    prevStates[p.namespec] = st;
    tr.setAttribute('data-state', st);
    tr.setAttribute('aria-label', p.namespec + ', ' + st.toLowerCase());

    var badge = el('span', { class: 'badge s-' + st }, st);
    cells[0].textContent = '';
    cells[0].appendChild(badge);

    cells[1].textContent = '';
    if (p.group !== p.name) {
      cells[1].appendChild(el('span', { class: 'pgroup' }, p.group + ':'));
    }
    cells[1].appendChild(el('span', { class: 'pname' }, p.name));
    // Supervisor's description repeats what the other cells show, except
    // for a process in trouble: then it is the reason, shown in full.
    if (st === 'BACKOFF' || st === 'FATAL' || st === 'UNKNOWN') {
      cells[1].appendChild(el('div', { class: 'perr' }, p.description));
    }
    tr.title = p.namespec + ': ' + p.description;

    cells[2].textContent = p.pid ? String(p.pid) : '';
    timeCell(cells[3], p);

    // Rebuild the buttons only when they change: a poll must not take
    // the focus or the hover away from a button under the pointer.
    var sig = st + '|' + (pending['* ' + p.namespec] ? 1 : 0) + '|' + ['start', 'stop', 'restart'].map(function (a) { return pending[a + ' ' + p.namespec] ? 1 : 0; }).join('');
    if (tr.getAttribute('data-sig') === sig) { return; }
    tr.setAttribute('data-sig', sig);
    var act = cells[4];
    act.textContent = '';
    var box = el('div', { class: 'rowactions' });
    if (st === 'RUNNING') {
      box.appendChild(actionButton('Stop', 'stop', p.namespec, 'btn-danger', 'Stop ' + p.namespec));
      box.appendChild(actionButton('Restart', 'restart', p.namespec, '', 'Restart ' + p.namespec));
    } else if (st === 'STARTING' || st === 'BACKOFF') {
      box.appendChild(actionButton('Stop', 'stop', p.namespec, 'btn-danger', 'Stop ' + p.namespec));
    } else if (st === 'STOPPED' || st === 'EXITED' || st === 'FATAL') {
      box.appendChild(actionButton('Start', 'start', p.namespec, 'btn-go', 'Start ' + p.namespec));
    }
    var logb = el('button', { type: 'button', class: 'btn btn-small', 'data-log': p.namespec, title: 'Show the log of ' + p.namespec, 'aria-label': 'Log of ' + p.namespec }, 'Log');
    box.appendChild(logb);
    act.appendChild(box);
  }
  function buildGroupRow(g) {
    var tr = el('tr', { class: 'grouprow', 'data-group': g.name });
    var td = el('td', { colspan: '5' });
    var head = el('div', { class: 'grouphead' });
    var toggle = el('button', { type: 'button', class: 'grouptoggle', 'aria-expanded': 'true', 'data-toggle': g.name });
    toggle.appendChild(el('span', { class: 'caret', 'aria-hidden': 'true' }, '▾'));
    toggle.appendChild(el('span', { class: 'gname' }, g.name));
    toggle.appendChild(el('span', { class: 'groupcount' }));
    head.appendChild(toggle);
    head.appendChild(el('div', { class: 'groupactions', role: 'group', 'aria-label': 'Group ' + g.name }));
    td.appendChild(head);
    tr.appendChild(td);
    return tr;
  }
  function updateGroupRow(tr, g) {
    var running = g.procs.filter(function (p) { return p.statename === 'RUNNING'; }).length;
    var bad = g.procs.filter(function (p) { return stateBucket(p.statename) === 'error'; }).length;
    var txt = running + ' of ' + g.procs.length + ' running' + (bad ? ' · ' + bad + ' in error' : '');
    $('.groupcount', tr).textContent = txt;
    var toggle = $('.grouptoggle', tr);
    toggle.setAttribute('aria-expanded', String(!collapsed[g.name]));
    var box = $('.groupactions', tr);
    var gsig = ['startgroup', 'restartgroup', 'stopgroup'].map(function (a) { return pending[a + ' ' + g.name] ? 1 : 0; }).join('');
    if (box.getAttribute('data-sig') === gsig) { return; }
    box.setAttribute('data-sig', gsig);
    box.textContent = '';
    box.appendChild(actionButton('Start', 'startgroup', g.name, '', 'Start every process of group ' + g.name));
    box.appendChild(actionButton('Restart', 'restartgroup', g.name, '', 'Restart group ' + g.name));
    box.appendChild(actionButton('Stop', 'stopgroup', g.name, 'btn-danger', 'Stop group ' + g.name));
  }
  function render() {
    renderDaemon();
    renderChips();
    var focusKey = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest('tr.proc') ? document.activeElement.closest('tr.proc').getAttribute('data-name') : null;
    var focusSel = focusKey && document.activeElement !== document.activeElement.closest('tr.proc') ?
      document.activeElement.getAttribute('data-act') || (document.activeElement.hasAttribute('data-log') ? 'log' : null) : null;
    var groups = groupsOf(snap.processes);
    var seenRows = {}, seenGroups = {};
    var shown = 0;
    var bodies = [];
    groups.forEach(function (g) {
      var key = (g.real ? 'g:' : 'p:') + g.name;
      var tb = groupBodies[key];
      if (!tb) { tb = el('tbody', { 'data-key': key }); groupBodies[key] = tb; }
      seenGroups[key] = true;
      var visible = g.procs.filter(matches);
      var kids = [];
      if (g.real) {
        var gr = tb.querySelector('tr.grouprow') || buildGroupRow(g);
        updateGroupRow(gr, g);
        kids.push(gr);
      }
      g.procs.forEach(function (p) {
        var tr = rows[p.namespec];
        if (!tr) { tr = buildRow(p); rows[p.namespec] = tr; }
        seenRows[p.namespec] = true;
        updateRow(tr, p, g.real);
        tr.hidden = !matches(p) || (g.real && collapsed[g.name] && !filterText);
        kids.push(tr);
      });
      // Put the rows in order without moving the ones already in place
      // (moving a focused row would lose the focus).
      kids.forEach(function (k, i) { if (tb.children[i] !== k) { tb.insertBefore(k, tb.children[i] || null); } });
      while (tb.children.length > kids.length) { tb.removeChild(tb.lastChild); }
      tb.hidden = visible.length === 0;
      shown += visible.length;
      bodies.push(tb);
    });
    bodies.forEach(function (tb, i) {
      var at = table.tBodies[i];
      if (at !== tb) { table.insertBefore(tb, at || null); }
    });
    Object.keys(groupBodies).forEach(function (k) {
      if (!seenGroups[k]) { if (groupBodies[k].parentNode) { groupBodies[k].parentNode.removeChild(groupBodies[k]); } delete groupBodies[k]; }
    });
    Object.keys(rows).forEach(function (k) { if (!seenRows[k]) { delete rows[k]; delete prevStates[k]; } });
    var empty = $('#empty');
    if (snap.processes.length === 0) {
      empty.textContent = 'No programs to manage';
      empty.hidden = false;
    } else if (shown === 0) {
      empty.textContent = 'No process matches the filter.';
      empty.hidden = false;
    } else {
      empty.hidden = true;
    }
    if (focusKey && rows[focusKey]) {
      var target = focusSel === 'log' ? $('[data-log]', rows[focusKey]) :
        focusSel ? $('[data-act="' + focusSel + '"]', rows[focusKey]) : null;
      if (target) { target.focus(); } else if (!focusSel) { rows[focusKey].focus(); } else { rows[focusKey].focus(); }
    }
    updateLogTabs();
  }
  function tickTimes() {
    snap.processes.forEach(function (p) {
      var tr = rows[p.namespec];
      if (tr && !tr.hidden) { timeCell(tr.children[3], p); }
    });
  }

  // ---------- polling ----------
  function poll() {
    clearTimeout(pollTimer);
    return api('api/status').then(function (data) {
      if (data && data.processes) {
        snap = data;
        skew = snap.now * 1000 - Date.now();
        render();
      }
    }).catch(function () { /* the daemon may be restarting: try again */ })
      .then(function () {
        if (!document.hidden) { pollTimer = setTimeout(poll, POLL_MS); }
      });
  }
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) { poll(); } else { clearTimeout(pollTimer); }
  });

  // ---------- actions ----------
  var CONFIRM = {
    stopall: ['Stop all processes?', 'Every running process will be stopped.', 'Stop all'],
    restartall: ['Restart all processes?', 'Every process will be stopped, then every process will be started.', 'Restart all'],
    stopgroup: null
  };
  function confirmThen(act, fn) {
    var c = CONFIRM[act];
    if (!c) { fn(); return; }
    var dlg = $('#confirm');
    $('#confirmtitle').textContent = c[0];
    $('#confirmtext').textContent = c[1];
    $('#confirmyes').textContent = c[2];
    if (!dlg.showModal) { if (window.confirm(c[0])) { fn(); } return; }
    dlg.returnValue = '';
    dlg.onclose = function () { if (dlg.returnValue === 'ok') { fn(); } };
    dlg.showModal();
    $('#confirmno').focus();
  }
  function doAction(act, name) {
    var key = act + ' ' + (name || '');
    if (pending[key]) { return; }
    pending[key] = true;
    if (name && (act === 'start' || act === 'stop' || act === 'restart')) { pending['* ' + name] = true; }
    render();
    poll();
    api('api/action', { action: act, name: name || '' }).then(function (res) {
      toast(res.message || (res.ok ? 'Done' : 'Failed'), !!res.ok);
    }).catch(function (e) {
      toast('Request failed: ' + e, false);
    }).then(function () {
      delete pending[key];
      if (name) { delete pending['* ' + name]; }
      poll();
    });
  }
  document.addEventListener('click', function (ev) {
    var t = ev.target.closest && ev.target.closest('button');
    if (!t || !live.contains(t) && !t.closest('#logpanel')) { return; }
    var act = t.getAttribute('data-act');
    if (act) {
      ev.preventDefault();
      var name = t.getAttribute('data-name');
      confirmThen(act, function () { doAction(act, name); });
      return;
    }
    var logName = t.getAttribute('data-log');
    if (logName) { ev.preventDefault(); selectRow(logName, false); openLog(logName, 'stdout'); return; }
    var tg = t.getAttribute('data-toggle');
    if (tg) {
      collapsed[tg] = !collapsed[tg];
      render();
      return;
    }
    var f = t.getAttribute('data-filter');
    if (f) { stateFilter = f; render(); }
  });

  // ---------- filter ----------
  filterInput.addEventListener('input', function () {
    filterText = filterInput.value.trim().toLowerCase();
    render();
  });
  filterInput.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') {
      if (filterInput.value) { filterInput.value = ''; filterText = ''; render(); } else { filterInput.blur(); }
      ev.stopPropagation();
    } else if (ev.key === 'ArrowDown' || ev.key === 'Enter') {
      ev.preventDefault();
      var first = visibleRows()[0];
      if (first) { selectRow(first.getAttribute('data-name'), true); }
    }
  });

  // ---------- keyboard ----------
  function visibleRows() {
    return Array.prototype.filter.call(table.querySelectorAll('tr.proc'), function (tr) {
      return !tr.hidden && !tr.parentNode.hidden;
    });
  }
  function selectRow(name, focus) {
    selected = name;
    Object.keys(rows).forEach(function (k) { rows[k].classList.toggle('selected', k === name); });
    if (focus && rows[name]) { rows[name].focus(); rows[name].scrollIntoView({ block: 'nearest' }); }
  }
  function procByName(name) {
    for (var i = 0; i < snap.processes.length; i++) { if (snap.processes[i].namespec === name) { return snap.processes[i]; } }
    return null;
  }
  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var tag = (ev.target.tagName || '').toLowerCase();
    var typing = tag === 'input' || tag === 'textarea' || tag === 'select';
    if (document.querySelector('dialog[open]')) { return; }
    if (ev.key === 'Escape') {
      if (!$('#logpanel').hidden) { closeLog(); ev.preventDefault(); }
      return;
    }
    if (typing) { return; }
    var list = visibleRows();
    var idx = list.findIndex(function (tr) { return tr.getAttribute('data-name') === selected; });
    switch (ev.key) {
      case '/':
        ev.preventDefault(); filterInput.focus(); filterInput.select(); return;
      case '?':
        ev.preventDefault(); $('#help').showModal(); return;
      case 'j': case 'ArrowDown':
        if (tag === 'button' && ev.key === 'ArrowDown' && !ev.target.closest('tr.proc')) { return; }
        if (list.length) { ev.preventDefault(); selectRow(list[Math.min(idx + 1, list.length - 1)].getAttribute('data-name'), true); }
        return;
      case 'k': case 'ArrowUp':
        if (tag === 'button' && ev.key === 'ArrowUp' && !ev.target.closest('tr.proc')) { return; }
        if (list.length) { ev.preventDefault(); selectRow(list[Math.max(idx - 1, 0)].getAttribute('data-name'), true); }
        return;
      case 'e':
        if (!$('#logpanel').hidden) { ev.preventDefault(); switchChannel(log.channel === 'stdout' ? 'stderr' : 'stdout'); }
        return;
    }
    if (!selected || idx < 0) { return; }
    var p = procByName(selected);
    if (!p) { return; }
    if (ev.key === 'l' || (ev.key === 'Enter' && ev.target.tagName === 'TR')) {
      ev.preventDefault(); openLog(p.namespec, 'stdout');
    } else if (ev.key === 's') {
      ev.preventDefault();
      if (p.statename === 'RUNNING' || p.statename === 'STARTING' || p.statename === 'BACKOFF') { doAction('stop', p.namespec); } else if (p.statename !== 'STOPPING') { doAction('start', p.namespec); }
    } else if (ev.key === 'r') {
      ev.preventDefault(); doAction('restart', p.namespec);
    }
  });
  table.addEventListener('click', function (ev) {
    var tr = ev.target.closest('tr.proc');
    if (tr && !ev.target.closest('button')) { selectRow(tr.getAttribute('data-name'), false); }
  });

  // ---------- log panel ----------
  var log = { name: null, channel: 'stdout', ctl: null, follow: true, pendingText: '', raf: 0, gen: 0 };
  var logText = $('#logtext');
  function setLogState(text, isLive) {
    var s = $('#logstate');
    s.textContent = text;
    s.classList.toggle('live', !!isLive);
  }
  function updateLogTabs() {
    if (!log.name) { return; }
    var p = procByName(log.name);
    var errTab = $('#tab-stderr');
    errTab.disabled = !!p && !p.stderr;
    errTab.title = errTab.disabled ? 'No stderr log (redirected to stdout, or none configured)' : '';
  }
  function flushLog() {
    log.raf = 0;
    if (!log.pendingText) { return; }
    logText.appendChild(document.createTextNode(log.pendingText));
    log.pendingText = '';
    if (logText.textContent.length > LOG_MAX) {
      var keep = logText.textContent.slice(-LOG_MAX / 2);
      logText.textContent = keep;
    }
    if (log.follow) { logText.scrollTop = logText.scrollHeight; } else { $('#logjump').hidden = false; }
  }
  function appendLog(text) {
    log.pendingText += text;
    if (!log.raf) { log.raf = requestAnimationFrame(flushLog); }
  }
  function note(text) {
    logText.appendChild(el('span', { class: 'note' }, '\n' + text + '\n'));
    if (log.follow) { logText.scrollTop = logText.scrollHeight; }
  }
  function stopStream() {
    log.gen++;
    if (log.ctl) { log.ctl.abort(); log.ctl = null; }
  }
  function stream() {
    stopStream();
    var gen = log.gen;
    var ctl = window.AbortController ? new AbortController() : null;
    log.ctl = ctl;
    var url = base + 'logtail/' + encodeURIComponent(log.name) + (log.channel === 'stderr' ? '/stderr' : '');
    $('#lograw').href = url;
    setLogState('connecting…', false);
    fetch(url, { cache: 'no-store', credentials: 'same-origin', signal: ctl ? ctl.signal : undefined }).then(function (res) {
      if (gen !== log.gen) { return; }
      if (!res.ok) {
        setLogState('', false);
        note(res.status === 404 ? 'No ' + log.channel + ' log for this process.' : 'Cannot read the log: HTTP ' + res.status);
        return;
      }
      setLogState('following', true);
      var reader = res.body.getReader();
      var dec = new TextDecoder();
      var pump = function () {
        return reader.read().then(function (r) {
          if (gen !== log.gen) { reader.cancel(); return; }
          if (r.done) {
            appendLog(dec.decode());
            setLogState('disconnected: retrying', false);
            setTimeout(function () { if (gen === log.gen) { stream(); } }, 2000);
            return;
          }
          appendLog(dec.decode(r.value, { stream: true }));
          return pump();
        });
      };
      return pump();
    }).catch(function () {
      if (gen !== log.gen) { return; }
      setLogState('disconnected: retrying', false);
      setTimeout(function () { if (gen === log.gen) { stream(); } }, 2000);
    });
  }
  function openLog(name, channel) {
    var panel = $('#logpanel');
    var same = log.name === name && log.channel === channel && !panel.hidden;
    log.name = name;
    log.channel = channel;
    $('#logname').textContent = name;
    ['stdout', 'stderr'].forEach(function (c) {
      $('#tab-' + c).setAttribute('aria-selected', String(c === channel));
    });
    updateLogTabs();
    panel.hidden = false;
    document.body.classList.add('logopen');
    if (!same) {
      logText.textContent = '';
      log.pendingText = '';
      log.follow = true;
      $('#logjump').hidden = true;
      stream();
    }
    logText.focus();
  }
  function switchChannel(c) {
    if (log.name && !$('#tab-' + c).disabled) { openLog(log.name, c); }
  }
  function closeLog() {
    stopStream();
    $('#logpanel').hidden = true;
    document.body.classList.remove('logopen');
    setLogState('', false);
    if (selected && rows[selected]) { rows[selected].focus(); }
  }
  logText.addEventListener('scroll', function () {
    var atEnd = logText.scrollHeight - logText.scrollTop - logText.clientHeight < 24;
    log.follow = atEnd;
    if (atEnd) { $('#logjump').hidden = true; }
  });
  $('#logjump').addEventListener('click', function () {
    log.follow = true;
    logText.scrollTop = logText.scrollHeight;
    $('#logjump').hidden = true;
  });
  $('#logclose').addEventListener('click', closeLog);
  $('#logclearview').addEventListener('click', function () { logText.textContent = ''; });
  $('#logclearfile').addEventListener('click', function () {
    if (!log.name) { return; }
    var name = log.name;
    var dlg = $('#confirm');
    $('#confirmtitle').textContent = 'Clear the log of ' + name + '?';
    $('#confirmtext').textContent = 'The stdout and stderr log files of ' + name + ' are emptied. This cannot be undone.';
    $('#confirmyes').textContent = 'Clear log';
    dlg.returnValue = '';
    dlg.onclose = function () {
      if (dlg.returnValue === 'ok') {
        api('api/action', { action: 'clearlog', name: name }).then(function (res) {
          toast(res.message, !!res.ok);
          if (res.ok && log.name === name) { logText.textContent = ''; stream(); }
        });
      }
    };
    dlg.showModal();
    $('#confirmno').focus();
  });
  $('#logwrap').addEventListener('change', function (ev) { logText.classList.toggle('wrap', ev.target.checked); });
  Array.prototype.forEach.call(document.querySelectorAll('.tab'), function (t) {
    t.addEventListener('click', function () { switchChannel(t.getAttribute('data-channel')); });
  });

  // ---------- start ----------
  var msg = $('.status_msg');
  if (msg) {
    if (/^(ERROR|unexpected|No such)/.test(msg.textContent)) { msg.classList.add('error'); }
    // The message came from a classic action's redirect: drop it from
    // the address so a reload does not show it again.
    if (history.replaceState && /[?&]message=/.test(location.search)) {
      history.replaceState(null, '', location.pathname);
    }
  }
  live.hidden = false;
  document.documentElement.classList.add('live');
  render();
  setInterval(tickTimes, 1000);
  pollTimer = setTimeout(poll, POLL_MS);
})();
