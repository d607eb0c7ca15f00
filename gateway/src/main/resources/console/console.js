// The Switchboard status console: one static page that polls the gateway's /console/api/* views and redraws only
// what changed. Read-only; all data goes into the page as text (never as markup).
(() => {
  'use strict';

  const POLL_MS = 2000;
  const KEY = 'switchboard.console.adminKey';
  const main = document.getElementById('main');
  const statusLine = document.getElementById('status');
  const keyForm = document.getElementById('key-form');
  const keyInput = document.getElementById('admin-key');
  const keyError = document.getElementById('key-error');

  /** Builds an element; strings and numbers become text nodes, null and undefined are skipped. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const dash = '–';
  const fmt = {
    time: (iso) => iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : dash,
    dateTime: (iso) => iso ? new Date(iso).toLocaleString([], { hour12: false }) : dash,
    ms: (v) => v === null || v === undefined ? dash : `${Math.round(v)} ms`,
    money: (v) => v === null || v === undefined ? dash : Number(v).toLocaleString('en-US', { maximumFractionDigits: 6, useGrouping: false }),
    num: (v) => v === null || v === undefined ? dash : String(v),
    list: (v) => v && v.length ? v.join(', ') : dash,
    until: (ms) => ms > 0 ? `${Math.ceil(ms / 1000)} s` : dash,
  };

  function table(caption, headers, rows, attrs) {
    return el('table', attrs || {},
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows));
  }

  const unknown = (v) => v === null || v === undefined ? '?' : v;
  /** A per-minute limit: what is left of its bucket (refilled continuously) out of the limit. */
  function left(limit) {
    return limit ? `${unknown(limit.remaining)} left of ${limit.limit}` : dash;
  }

  /** A concurrency cap: requests in flight out of the cap. */
  function inFlight(limit) {
    return limit ? `${unknown(limit.inFlight)} in flight of ${limit.limit}` : dash;
  }

  function keys(list) {
    if (!list || !list.length) return dash;
    return el('ul', { class: 'keys' }, list.map((k) =>
      el('li', { 'data-key': k.fingerprint, class: `state-${k.state.toLowerCase()}` }, `${k.fingerprint} ${k.state.toLowerCase().replace('_', ' ')}`)));
  }

  // ---- pages: each mounts its fixed parts once and redraws its data on every poll ----

  const charts = [
    { id: 'rate', title: 'Requests per second', series: [['rate', 'req/s']] },
    { id: 'success', title: 'Success rate', series: [['success', 'success']], range: [0, 1], sparse: true },
    { id: 'latency', title: 'Latency (ms)', series: [['p50', 'p50'], ['p95', 'p95']], sparse: true },
    { id: 'tokens', title: 'Tokens per second', series: [['tokens', 'tokens/s']] },
    { id: 'spend', title: 'Spend per interval', series: [['spend', 'spend']] },
  ];
  const colours = ['#2563eb', '#dc2626'];

  const overview = {
    api: 'overview',
    title: 'Overview',
    resize() {
      for (const plot of Object.values(this.plots || {})) {
        plot.setSize({ width: Math.max(240, plot.root.parentNode.clientWidth - 16), height: 160 });
      }
    },
    mount(root) {
      this.facts = el('dl', { class: 'facts', id: 'facts' });
      this.grid = el('div', { class: 'charts' });
      this.plots = {};
      root.append(
        el('p', { class: 'note' }, 'Each replica serves its own console and shows only its own traffic and state: ',
          'in a cluster, port-forward to one pod at a time to compare them.'),
        this.facts, el('h2', {}, 'Traffic over the last minutes'), this.grid);
    },
    update(data) {
      document.getElementById('replica').textContent = data.replica;
      this.facts.replaceChildren(
        ...[['Replica', data.replica, 'replica'], ['Mode', data.mode, 'mode'], ['Table hash', data.hash, 'hash'],
          ['Loaded at', fmt.dateTime(data.loadedAt), 'loaded'], ['Models', data.models, 'models'],
          ['Providers', data.providers, 'providers'],
          ['Counters', data.store + (data.redisUp === false ? ' (down)' : ''), 'store']]
          .map(([k, v, id]) => el('div', {}, el('dt', {}, k), el('dd', { id: `fact-${id}` }, v))));
      const s = data.series;
      for (const chart of charts) {
        const columns = [s.t, ...chart.series.map(([name]) => s[name])];
        const plot = this.plots[chart.id];
        if (plot) {
          plot.setData(columns);
          continue;
        }
        const box = el('figure', { id: `chart-${chart.id}` }, el('figcaption', {}, chart.title));
        this.grid.append(box);
        this.plots[chart.id] = new uPlot({
          width: Math.max(240, box.clientWidth - 16),
          height: 160,
          legend: { show: chart.series.length > 1 },
          scales: { x: { time: true }, y: chart.range ? { range: chart.range } : {} },
          // Success and latency have no value for an interval without requests: each interval with some gets a dot.
          series: [{}, ...chart.series.map(([, label], i) => ({
            label, stroke: colours[i], width: 1.5, spanGaps: !!chart.sparse,
            points: chart.sparse ? { show: true, size: 5, fill: colours[i] } : {},
          }))],
        }, columns, box);
      }
    },
  };

  const models = {
    api: 'models',
    title: 'Models',
    mount(root) {
      this.list = el('div', { id: 'models' });
      root.append(this.list);
    },
    update(data) {
      this.list.replaceChildren(...data.models.map((m) => el('section', { 'data-model': m.name, class: 'model' },
        el('h2', {}, m.name),
        el('dl', { class: 'facts' },
          el('div', {}, el('dt', {}, 'Aliases'), el('dd', {}, fmt.list(m.aliases))),
          el('div', {}, el('dt', {}, 'Strategy'), el('dd', {}, m.strategy)),
          el('div', {}, el('dt', {}, 'Fallbacks'), el('dd', {}, fmt.list(m.fallbacks))),
          el('div', {}, el('dt', {}, 'Deprecation'), el('dd', { class: 'deprecation' }, m.deprecation
            ? `replaced by ${m.deprecation.replacement || dash}, sunset ${m.deprecation.sunset || dash}` : 'none'))),
        table(`Targets of ${m.name}`, ['Provider', 'Upstream model', 'Weight', 'Priority', 'Breaker', 'Next probe', 'In flight', 'Latency', 'Keys'],
          m.targets.map((t) => el('tr', { 'data-target': `${t.provider}/${t.upstreamModel}` },
            el('td', {}, t.provider), el('td', {}, t.upstreamModel), el('td', {}, t.weight), el('td', {}, t.priority),
            el('td', { class: `breaker state-${(t.breaker || 'unknown').toLowerCase()}` }, t.breaker || dash,
              t.reason ? el('div', { class: 'reason' }, t.reason) : null),
            el('td', { class: 'probe' }, fmt.until(t.probeInMs)), el('td', {}, fmt.num(t.inFlight)), el('td', {}, fmt.ms(t.latencyMs)),
            el('td', {}, keys(t.keys))))))));
    },
  };

  const providers = {
    api: 'providers',
    title: 'Providers',
    mount(root) {
      this.body = el('div', { id: 'providers' });
      root.append(this.body);
    },
    update(data) {
      this.body.replaceChildren(table('Providers', ['Name', 'Type', 'Endpoint', 'Requests/min', 'Tokens/min', 'Concurrency', 'Keys', 'Upstream models'],
        data.providers.map((p) => el('tr', { 'data-provider': p.name },
          el('td', {}, p.name), el('td', {}, p.type), el('td', {}, p.endpoint),
          el('td', { class: 'rpm' }, left(p.limits && p.limits.requestsPerMinute)),
          el('td', { class: 'tpm' }, left(p.limits && p.limits.tokensPerMinute)),
          el('td', { class: 'concurrency' }, inFlight(p.limits && p.limits.maxConcurrency)),
          el('td', {}, keys(p.keys)), el('td', {}, fmt.list(p.models))))));
    },
  };

  function budget(period) {
    if (!period) return dash;
    return el('span', {}, `${fmt.money(period.spent)} of ${fmt.money(period.limit)}`,
      el('br'), `left ${fmt.money(period.remaining)}, renews ${fmt.dateTime(period.renews)}`);
  }

  const clients = {
    api: 'clients',
    title: 'Clients',
    mount(root) {
      this.head = el('p', { class: 'note' });
      this.body = el('div', { id: 'clients' });
      root.append(this.head, this.body);
    },
    update(data) {
      this.head.textContent = `Access mode ${data.mode}; counters kept ${data.store === 'redis' ? 'in Redis, shared by all replicas' : 'in this replica'}. `
        + 'Per-minute limits are buckets that refill continuously; budgets are in the providers\' pricing currency.';
      this.body.replaceChildren(table('Clients', ['Client', 'Team', 'Requests/min', 'Tokens/min', 'Concurrency', 'Budget today', 'Budget this month'],
        data.clients.map((c) => el('tr', { 'data-client': c.name },
          el('td', {}, c.name), el('td', {}, c.team || dash),
          el('td', { class: 'rpm' }, left(c.limits && c.limits.requestsPerMinute)),
          el('td', { class: 'tpm' }, left(c.limits && c.limits.tokensPerMinute)),
          el('td', { class: 'concurrency' }, inFlight(c.limits && c.limits.maxConcurrency)),
          el('td', { class: 'budget-day' }, budget(c.budget && c.budget.day)),
          el('td', { class: 'budget-month' }, budget(c.budget && c.budget.month))))));
    },
  };

  const requests = {
    api: 'requests',
    title: 'Requests',
    mount(root) {
      const input = (id, label) => [el('label', { for: id }, label), el('input', { id, type: 'search', autocomplete: 'off' })];
      const status = el('select', { id: 'filter-status' },
        ['all', '2xx', '4xx', '5xx'].map((v) => el('option', { value: v }, v)));
      this.form = el('form', { class: 'filters', role: 'search' },
        input('filter-model', 'Model'), input('filter-client', 'Client'), el('label', { for: 'filter-status' }, 'Status'), status);
      this.form.addEventListener('submit', (e) => e.preventDefault());
      this.form.addEventListener('input', () => this.draw());
      this.count = el('p', { class: 'note', id: 'request-count' });
      this.body = el('div', { id: 'requests' });
      root.append(this.form, this.count, this.body);
    },
    update(data) {
      this.data = data;
      this.draw();
    },
    draw() {
      if (!this.data) return;
      const model = this.form.querySelector('#filter-model').value.trim().toLowerCase();
      const client = this.form.querySelector('#filter-client').value.trim().toLowerCase();
      const status = this.form.querySelector('#filter-status').value;
      const shown = this.data.requests.filter((r) =>
        (!model || (r.model || '').toLowerCase().includes(model))
        && (!client || (r.client || '').toLowerCase().includes(client))
        && (status === 'all' || String(r.status).startsWith(status[0])));
      this.count.textContent = `${shown.length} of the last ${this.data.requests.length} requests (this replica keeps ${this.data.capacity}).`;
      this.body.replaceChildren(table('Recent requests, newest first',
        ['Time', 'Client', 'Model', 'Provider', 'Attempts', 'Fallback', 'Status', 'Latency', 'Tokens in/out', 'Cost'],
        shown.map((r) => el('tr', { 'data-request': r.requestId, class: r.status >= 400 ? 'failed' : null },
          el('td', {}, fmt.time(r.at)), el('td', { class: 'client' }, r.client || 'anonymous'), el('td', { class: 'model' }, r.model || dash),
          el('td', {}, r.provider ? `${r.provider} (${r.upstreamModel})` : dash), el('td', {}, r.attempts),
          el('td', {}, r.fallback || dash), el('td', { class: 'status' }, r.status, r.error ? ` ${r.error}` : ''),
          el('td', {}, fmt.ms(r.durationMs)), el('td', {}, `${fmt.num(r.promptTokens)} / ${fmt.num(r.completionTokens)}`),
          el('td', {}, fmt.money(r.cost))))));
    },
  };

  const reloads = {
    api: 'reloads',
    title: 'Reloads',
    mount(root) {
      this.body = el('div', { id: 'reloads' });
      root.append(this.body);
    },
    update(data) {
      this.body.replaceChildren(
        el('p', { class: 'note' }, `Serving ${data.serving || 'nothing'}. The last tables this replica tried, newest first; a rejected one leaves the last good table serving.`),
        data.attempts.length ? el('ol', { class: 'reloads' }, data.attempts.map((a) =>
          el('li', { class: a.accepted ? 'accepted' : 'rejected' },
            el('strong', {}, a.accepted ? 'Accepted' : 'Rejected'), ` ${fmt.dateTime(a.at)} `, a.hash ? el('code', {}, a.hash) : null,
            a.problems.length ? el('ul', { class: 'problems' }, a.problems.map((p) => el('li', {}, p))) : null)))
          : el('p', {}, 'No table tried yet.'));
    },
  };

  const pages = { overview, models, providers, clients, requests, reloads };

  // ---- polling and navigation ----

  let page = null;
  let timer = null;
  let generation = 0;

  async function fetchView(name) {
    const headers = {};
    const key = sessionStorage.getItem(KEY);
    if (key) headers.authorization = `Bearer ${key}`;
    const response = await fetch(`api/${name}`, { headers, cache: 'no-store' });
    if (response.status === 401) {
      const error = new Error('The admin key is required.');
      error.auth = true;
      throw error;
    }
    if (!response.ok) {
      let message = response.statusText;
      try {
        message = (await response.json()).error.message;
      } catch (ignored) { /* not JSON */ }
      throw new Error(`${response.status}: ${message}`);
    }
    return response.json();
  }

  async function poll(mine) {
    try {
      const data = await fetchView(page.api);
      if (mine !== generation) return;
      page.update(data);
      main.hidden = false;
      statusLine.textContent = `Updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
      statusLine.className = '';
    } catch (error) {
      if (mine !== generation) return;
      if (error.auth) {
        askForKey(sessionStorage.getItem(KEY) ? 'That key was not accepted.' : '');
        return;
      }
      statusLine.textContent = `Not updated: ${error.message}`;
      statusLine.className = 'error';
    }
    if (mine === generation) timer = setTimeout(() => poll(mine), POLL_MS);
  }

  function askForKey(message) {
    main.hidden = true;
    main.replaceChildren();
    keyForm.hidden = false;
    keyError.textContent = message;
    statusLine.textContent = 'The admin key is required.';
    keyInput.focus();
  }

  keyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, keyInput.value);
    // The key is not left in the page.
    keyInput.value = '';
    keyForm.hidden = true;
    show();
  });

  function show() {
    const name = (location.hash || '#overview').slice(1);
    page = pages[name] || overview;
    generation++;
    clearTimeout(timer);
    document.querySelectorAll('nav a').forEach((a) => {
      if (a.id === `nav-${page.api}`) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    document.title = `${page.title} · Switchboard console`;
    main.replaceChildren(el('h2', { class: 'page-title' }, page.title));
    page.mount(main);
    poll(generation);
  }

  window.addEventListener('hashchange', show);
  window.addEventListener('resize', () => { if (page === overview) overview.resize(); });
  show();
})();
