// The UI's views, each built from the gateway's JSON (docs/http.md): stores, a store's generations (newest
// first, 50 a page), a directory at a root (one directory at a time: a layer of 100,000 files is never
// listed whole), a file (text with line numbers, image, hex, download, URN, verify) and a diff of two roots.
import { crumbs, formatBytes, getJson, h, label, link, show } from './dom.js';
import { encodeUrnPath } from '../src/core/urn.js';
import { verifyFile } from './verify.js';

const PAGE = 50;
const short = (hash: string) => hash.slice(0, 12);

interface Generation {
  generation: number;
  root: string;
  time: string;
  message: string;
  author: string;
  files: number;
  data_bytes: number;
  type: string;
}

export async function storesView(): Promise<void> {
  crumbs([['stores', undefined]]);
  const { stores } = await getJson<{ stores: Array<{ store_id: string; generations: number; latest: string | null }> }>(
    '/',
  );
  const rows = stores.map((s) =>
    h(
      'tr',
      {},
      h('td', { class: 'hash' }, link(`#/s/${s.store_id}`, s.store_id)),
      h('td', { class: 'num' }, String(s.generations)),
    ),
  );
  show(
    'Stores',
    stores.length === 0
      ? h('p', {}, 'No stores here.')
      : h(
          'table',
          {},
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, 'store'), h('th', { scope: 'col', class: 'num' }, 'generations')),
          ),
          h('tbody', {}, ...rows),
        ),
  );
}

export async function generationsView(store: string, offset: number): Promise<void> {
  crumbs([
    ['stores', '#/'],
    [short(store), undefined],
  ]);
  const page = await getJson<{ total: number; generations: Generation[] }>(
    `/${store}?order=newest&offset=${offset}&limit=${PAGE}`,
  );
  const rows = page.generations.map((g, i) => {
    const older = page.generations[i + 1]?.root;
    return h(
      'tr',
      {},
      h('td', { class: 'num' }, String(g.generation)),
      h(
        'td',
        { class: 'hash' },
        g.type === 'pruned'
          ? short(g.root)
          : link(`#/s/${store}/${g.root}/`, short(g.root), { 'aria-label': `files at root ${g.root}` }),
      ),
      h('td', {}, new Date(g.time).toLocaleString()),
      h('td', {}, g.message, g.author ? h('div', { class: 'muted' }, g.author) : null),
      h('td', { class: 'num' }, String(g.files)),
      h('td', { class: 'num wide' }, formatBytes(g.data_bytes)),
      h('td', { class: 'wide' }, older ? link(`#/d/${store}/${older}/${g.root}`, 'changes') : ''),
    );
  });
  const pager = h('div', { class: 'actions' });
  if (offset > 0) pager.append(link(`#/s/${store}?offset=${Math.max(0, offset - PAGE)}`, '← newer'));
  if (offset + PAGE < page.total) pager.append(link(`#/s/${store}?offset=${offset + PAGE}`, 'older →'));
  const classes = ['num', '', '', '', 'num', 'num wide', 'wide'];
  const head = ['#', 'root', 'time', 'message', 'files', 'new data', ''].map((t, i) =>
    h('th', { scope: 'col', class: classes[i] }, t),
  );
  show(
    `Store ${short(store)}`,
    h('p', { class: 'muted' }, `${page.total} generations; store ${store}`),
    h('table', {}, h('thead', {}, h('tr', {}, ...head)), h('tbody', {}, ...rows)),
    pager,
    compareForm(store, page.generations),
  );
}

/** Two roots of this page to compare (any two roots: #/d/STORE/FROM/TO). */
function compareForm(store: string, gens: Generation[]): HTMLElement | null {
  const live = gens.filter((g) => g.type !== 'pruned');
  if (live.length < 2) return null;
  const select = (name: string, chosen: number) => {
    const s = h('select', { id: `compare-${name}`, name });
    for (const [i, g] of live.entries()) {
      const o = h('option', { value: g.root }, `${g.generation}: ${short(g.root)} ${g.message}`) as HTMLOptionElement;
      o.selected = i === chosen;
      s.append(o);
    }
    return s as HTMLSelectElement;
  };
  const [from, to] = [select('from', 1), select('to', 0)];
  const form = h(
    'form',
    { class: 'actions', 'aria-label': 'compare two generations' },
    h('label', { for: 'compare-from' }, 'Compare'),
    from,
    h('label', { for: 'compare-to' }, 'with'),
    to,
    h('button', { type: 'submit' }, 'Show changes'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/d/${store}/${from.value}/${to.value}`;
  });
  return form;
}

/** Breadcrumbs of a path at a root: stores / store / root / each directory. */
function pathCrumbs(store: string, root: string, segments: string[]): void {
  const items: Array<[string, string | undefined]> = [
    ['stores', '#/'],
    [short(store), `#/s/${store}`],
    [short(root), `#/s/${store}/${root}/`],
  ];
  for (const [i, s] of segments.entries()) {
    const href = i === segments.length - 1 ? undefined : `#/s/${store}/${root}/${segments.slice(0, i + 1).join('/')}/`;
    items.push([label(s), href]);
  }
  crumbs(items);
}

export async function treeView(store: string, root: string, path: string): Promise<void> {
  const segments = path === '' ? [] : path.split('/');
  pathCrumbs(store, root, segments);
  const base = `/${store}/${root}/${path}${path ? '/' : ''}`;
  const list = await getJson<{ entries: Array<{ name: string; type: string; size?: number }>; truncated: boolean }>(
    `${base}?format=list`,
  );
  const rows = list.entries.map((e) => {
    const href = `#/s/${store}/${root}/${path ? `${path}/` : ''}${encodeUrnPath(e.name)}${e.type === 'dir' ? '/' : ''}`;
    const kind = e.type === 'dir' ? 'directory' : e.type === 'symlink' ? 'link' : 'file';
    return h(
      'tr',
      {},
      h('td', {}, link(href, e.name + (e.type === 'dir' ? '/' : ''))),
      h('td', { class: 'muted' }, kind),
      h('td', { class: 'num' }, e.size === undefined ? '' : formatBytes(e.size)),
    );
  });
  show(
    path === '' ? `Root ${short(root)}` : label(segments[segments.length - 1]),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'name'),
          h('th', { scope: 'col' }, 'type'),
          h('th', { scope: 'col', class: 'num' }, 'size'),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
    list.truncated ? h('p', { class: 'muted' }, 'The first 10,000 entries.') : null,
  );
}

const isText = (b: Uint8Array) => !b.subarray(0, 8192).includes(0);

function hexView(b: Uint8Array): HTMLElement {
  const lines: string[] = [];
  for (let i = 0; i < Math.min(b.length, 4096); i += 16) {
    const row = [...b.subarray(i, i + 16)];
    lines.push(
      `${i.toString(16).padStart(8, '0')}  ${row
        .map((x) => x.toString(16).padStart(2, '0'))
        .join(' ')
        .padEnd(48)}  ${row.map((x) => (x >= 32 && x < 127 ? String.fromCharCode(x) : '.')).join('')}`,
    );
  }
  return h('pre', { 'aria-label': 'hex view' }, lines.join('\n'));
}

export async function fileView(store: string, root: string, path: string): Promise<void> {
  const segments = path.split('/');
  pathCrumbs(store, root, segments);
  const gatewayPath = `/${store}/${root}/${path}`;
  // What is shown is at most the first MiB (or an image whole, up to 16 MiB): a large file is not downloaded to
  // be looked at; Download and Verify take all of it.
  const head = await fetch(gatewayPath, { method: 'HEAD' });
  if (!head.ok) throw new Error(`${head.status} ${head.statusText}`);
  const type = head.headers.get('content-type') ?? '';
  const size = Number(head.headers.get('content-length') ?? 0);
  const limit = type.startsWith('image/') ? 16 << 20 : 1 << 20;
  const partial = size > limit;
  const res = await fetch(gatewayPath, partial ? { headers: { Range: `bytes=0-${limit - 1}` } } : {});
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  const blob = await res.blob();
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const name = label(segments[segments.length - 1]);
  let body: HTMLElement;
  if (type.startsWith('image/') && !partial)
    body = h('img', { class: 'preview', src: URL.createObjectURL(blob), alt: name });
  else if (isText(bytes)) {
    const text = new TextDecoder().decode(bytes);
    body = h('ol', { class: 'lines', 'aria-label': 'file content' }, ...text.split('\n').map((l) => h('li', {}, l)));
  } else body = hexView(bytes);
  const urn = `urn:dig:chia:${store}:${root}/${path}`;
  const verdict = h('p', { class: 'verdict', role: 'status', 'aria-live': 'polite' });
  const verify = h('button', { type: 'button' }, 'Verify');
  verify.addEventListener('click', async () => {
    verdict.className = 'verdict';
    verdict.textContent = 'verifying…';
    const v = await verifyFile(gatewayPath, root);
    verdict.className = `verdict ${v.valid ? 'ok' : 'bad'}`;
    verdict.textContent = `${v.valid ? '✓' : '✗'} ${v.message}`;
  });
  const copy = h('button', { type: 'button' }, 'Copy URN');
  copy.addEventListener('click', () => navigator.clipboard?.writeText(urn));
  show(
    name,
    h('p', { class: 'muted' }, `${formatBytes(size)} · ${type} · `, h('code', { class: 'hash' }, urn)),
    partial ? h('p', { class: 'muted' }, `Showing the first ${formatBytes(bytes.length)}.`) : null,
    h('div', { class: 'actions' }, verify, link(gatewayPath, 'Download', { download: name }), copy),
    verdict,
    body,
  );
}

export async function diffView(store: string, from: string, to: string): Promise<void> {
  crumbs([
    ['stores', '#/'],
    [short(store), `#/s/${store}`],
    [`${short(from)} → ${short(to)}`, undefined],
  ]);
  const d = await getJson<{ changes: Array<{ path: string; change: string; size?: number }> }>(
    `/${store}/diff?from=${from}&to=${to}`,
  );
  const section = (change: string) => {
    const items = d.changes.filter((c) => c.change === change);
    return h(
      'section',
      {},
      h('h2', {}, `${change} (${items.length})`),
      h(
        'ul',
        {},
        ...items.map((c) =>
          h('li', {}, change === 'deleted' ? c.path : link(`#/s/${store}/${to}/${encodeUrnPath(c.path)}`, c.path)),
        ),
      ),
    );
  };
  show(`Changes ${short(from)} → ${short(to)}`, section('added'), section('modified'), section('deleted'));
}
