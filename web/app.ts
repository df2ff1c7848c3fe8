// The web UI served by `digstore serve` at `/` (docs/http.md, "Web UI"). Routes live in the URL's fragment,
// so the page is one file and every view is a link:
//   #/                          stores
//   #/s/STORE[?offset=N]        generations, newest first
//   #/s/STORE/ROOT/DIR/         a directory at a root (percent-encoded path, as the gateway's)
//   #/s/STORE/ROOT/FILE         a file
//   #/d/STORE/FROM/TO           what changed between two roots
import { h, show } from './dom.js';
import { diffView, fileView, generationsView, storesView, treeView } from './views.js';

async function route(): Promise<void> {
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter((p, i) => i > 0 || p !== '');
  const [kind, store, root, ...rest] = parts;
  if (kind === 's' && store && root === undefined)
    return generationsView(store, Number(new URLSearchParams(query).get('offset') ?? 0));
  if (kind === 's' && store && root) {
    const sub = rest.join('/');
    return sub === '' || sub.endsWith('/') ? treeView(store, root, sub.replace(/\/$/, '')) : fileView(store, root, sub);
  }
  if (kind === 'd' && store && root && rest[0]) return diffView(store, root, rest[0]);
  return storesView();
}

async function render(): Promise<void> {
  try {
    await route();
  } catch (e) {
    show('Error', h('p', { role: 'alert' }, (e as Error).message));
  }
}

window.addEventListener('hashchange', render);
render();
