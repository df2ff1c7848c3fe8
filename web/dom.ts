// Tiny DOM helpers for the web UI: elements built with text content only (never innerHTML from data, so a
// file name can never become markup), and the JSON the gateway answers.
type Child = Node | string | null | undefined | false;

export function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export const link = (href: string, text: string, attrs: Record<string, string> = {}) =>
  h('a', { href, ...attrs }, text);

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!res.ok) {
    const body = await res.json().catch(() => undefined);
    throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`);
  }
  return res.json() as Promise<T>;
}

/** A path segment as people read it: percent-decoded where that gives text, as it is otherwise. */
export function label(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export { formatBytes } from '../src/core/format-bytes.js';

/** Shows `nodes` as the page (the main region takes focus, for keyboard and screen-reader users). */
export function show(title: string, ...nodes: Child[]): void {
  const main = document.getElementById('main')!;
  main.replaceChildren(h('h1', {}, title), ...nodes.filter((n): n is Node | string => Boolean(n)));
  document.title = `${title} · digstore`;
  main.focus({ preventScroll: true });
}

export function crumbs(items: Array<[string, string | undefined]>): void {
  const nav = document.getElementById('crumbs')!;
  const list = h('ol');
  for (const [text, href] of items)
    list.append(h('li', {}, href ? link(href, text) : h('span', { 'aria-current': 'page' }, text)));
  nav.replaceChildren(list);
}
