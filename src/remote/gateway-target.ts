// What `fetch` is asked for: a gateway URL (`http://host[/prefix]/STORE/ROOT|latest/PATH`, or with the URN
// form `…/urn:dig:chia:STORE[:ROOT]/PATH`) or a URN with the gateway given apart (`--from`). The result names
// the gateway's base URL and the one root the answer will be checked against: the caller's, or the one the
// target spells out. Without a root there is nothing to check against, and `fetch` refuses rather than
// believe the gateway about what `latest` is.
import { isHash } from '../core/digest.js';
import { UsageError } from '../core/errors.js';
import { gatewayBase } from './gateway-http.js';
import { isFullUrn, parseUrn, type RangeSpec, URN_PREFIX } from '../core/urn.js';

export interface GatewayTarget {
  base: string;
  storeId: string;
  root: string;
  path: string;
  range?: RangeSpec;
}

/** A URL's store, root and path, and the base before them. */
function splitUrl(text: string): { base: string; urn: string } {
  const u = new URL(text);
  if (u.hash) throw new UsageError(`'${text}': give a byte range with --bytes, not a #fragment`);
  if (u.search) throw new UsageError(`'${text}': the URL must not have a query`);
  const segs = u.pathname.split('/');
  for (let i = 1; i < segs.length; i++) {
    if (segs[i].toLowerCase().startsWith(URN_PREFIX)) {
      return { base: gatewayBase(`${u.origin}${segs.slice(0, i).join('/')}`), urn: segs.slice(i).join('/') };
    }
    if (isHash(segs[i]) && (segs[i + 1] === 'latest' || isHash(segs[i + 1] ?? ''))) {
      const root = segs[i + 1] === 'latest' ? '' : `:${segs[i + 1]}`;
      const path = segs.slice(i + 2).join('/');
      return {
        base: gatewayBase(`${u.origin}${segs.slice(0, i).join('/')}`),
        urn: `${URN_PREFIX}${segs[i]}${root}/${path}`,
      };
    }
  }
  throw new UsageError(`'${text}' does not name a stored file`, 'use http://HOST/STORE/ROOT/PATH or a URN with --from');
}

export function parseGatewayTarget(target: string, opts: { from?: string; root?: string }): GatewayTarget {
  if (opts.root !== undefined && !isHash(opts.root))
    throw new UsageError(`--root must be 64 lowercase hex characters, not '${opts.root}'`);
  let base: string;
  let urnText: string;
  if (isFullUrn(target)) {
    if (opts.from === undefined) throw new UsageError(`which gateway? give --from URL to fetch ${target}`);
    base = gatewayBase(opts.from);
    urnText = target;
  } else if (/^https?:\/\//i.test(target)) {
    ({ base, urn: urnText } = splitUrl(target));
    if (opts.from !== undefined) base = gatewayBase(opts.from);
  } else {
    throw new UsageError(
      `'${target}' is neither a gateway URL nor a URN`,
      'give http://HOST/STORE/ROOT/PATH, or a URN with --from',
    );
  }
  const urn = parseUrn(urnText);
  if (urn.path === undefined) throw new UsageError(`'${target}' names no file`, 'add /PATH');
  if (urn.root && opts.root && urn.root !== opts.root)
    throw new UsageError(`'${target}' names root ${urn.root}, but --root says ${opts.root}`, 'give one of them');
  const root = opts.root ?? urn.root;
  if (root === undefined)
    throw new UsageError(
      `no root to trust for ${target}: a gateway's 'latest' is only its word`,
      'give --root HASH (from the publisher, or `digstore log` where the store lives)',
    );
  return { base, storeId: urn.storeId!, root, path: urn.path, ...(urn.range && { range: urn.range }) };
}
