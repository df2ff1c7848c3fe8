// `remote add|list|remove`, `push`, `pull` and `clone` (docs/remote.md): s3:// and file:/// object stores
// (content-named parts, one gen object per push, the settle-and-list rule), and pull and clone from a
// `digstore serve` gateway.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../store/config.js';
import type { Command } from 'commander';
import {
  addRemote,
  checkRemoteUrl,
  clone,
  cloneFromGateway,
  fetchEverything,
  isGateway,
  listRemotes,
  openRemote,
  pullFromGatewayInto,
  pullInto,
  push,
  removeRemote,
  resolveRemote,
  storesAt,
} from '../../api/remote.js';
import type { SetAside } from '../../store/set-aside.js';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { resolveHome } from '../../store/home.js';
import { openStore, output } from '../context.js';
import { formatBytes } from '../output.js';
import { longRun } from '../progress.js';

function registerRemoteNames(program: Command): void {
  const remote = program
    .command('remote')
    .description('the remotes this store knows by name (URLs only, never credentials)');
  remote
    .command('add')
    .description('name a remote: s3://BUCKET[/PREFIX], file:///DIR or a gateway http(s)://HOST[:PORT]')
    .argument('<name>')
    .argument('<url>')
    .action((name: string, url: string, _: unknown, cmd: Command) => {
      addRemote(openStore(), name, url);
      output(cmd).done(`remote '${name}' is ${url}`, { name, url });
    });
  remote
    .command('list')
    .description('the named remotes')
    .action((_: unknown, cmd: Command) => {
      const r = listRemotes(openStore());
      output(cmd).result(
        Object.entries(r).map(([n, u]) => `${n}\t${u}`),
        Object.entries(r).map(([name, url]) => ({ name, url })),
      );
    });
  remote
    .command('remove')
    .description('forget a remote (nothing on it is touched)')
    .argument('<name>')
    .action((name: string, _: unknown, cmd: Command) => {
      removeRemote(openStore(), name);
      output(cmd).done(`removed remote '${name}'`, { name });
    });
}

export function registerRemote(program: Command): void {
  registerRemoteNames(program);
  program
    .command('push')
    .description('send the generations a remote lacks (exit 7 if another push won: pull first)')
    .argument('[remote]', 'a remote name or URL (default: the only remote, or origin)')
    .option('--progress', 'show a progress line even when stderr is not a terminal')
    .action(async (name: string | undefined, flags: { progress?: boolean }, cmd: Command) => {
      const store = openStore();
      const run = longRun(output(cmd), flags.progress, true);
      const settleMs = store.config.remote.settle_ms;
      const r = await push(store, openRemote(resolveRemote(store, name)), { settleMs, ...run.options }).finally(
        run.done,
      );
      output(cmd).done(
        r.pushed
          ? `pushed generations ${r.fromGeneration + 1}-${r.toGeneration} to ${r.remote} (${r.parts} part(s), ${formatBytes(r.uploadedBytes)} sent); root ${r.root}`
          : r.fromGeneration > r.toGeneration
            ? `nothing to push: ${r.remote} is ahead (generation ${r.fromGeneration}); pull to catch up`
            : `${r.remote} is up to date (generation ${r.toGeneration})`,
        { type: 'summary', ...r },
      );
    });
  program
    .command('pull')
    .description("bring the store up to a remote's head; every byte verified before it is visible")
    .argument('[remote]', 'a remote name or URL (default: the only remote, or origin)')
    .option('--root <hash>', 'from a gateway: the root you trust the new head to have')
    .option('--set-aside', "after a lost push: keep this store's unpushed generations in a side file and pull")
    .option('--full', 'in a lazy clone: also fetch every chunk not fetched yet (the store becomes whole)')
    .option('--progress', 'show a progress line even when stderr is not a terminal')
    .action(
      async (
        name: string | undefined,
        flags: { root?: string; setAside?: boolean; full?: boolean; progress?: boolean },
        cmd: Command,
      ) => {
        const out = output(cmd);
        const store = openStore();
        const url = resolveRemote(store, name);
        const run = longRun(out, flags.progress, true);
        const r = await (isGateway(url)
          ? pullFromGatewayInto(store, url, { root: flags.root })
          : pullInto(store, openRemote(url), {
              setAside: flags.setAside,
              settleMs: store.config.remote.settle_ms,
              ...run.options,
            })
        ).finally(run.done);
        const filled = flags.full ? await fetchEverything(store) : undefined;
        if (filled && filled.requests > 0)
          out.note(`fetched ${formatBytes(filled.bytes)} of chunk data in ${filled.requests} request(s)`);
        const aside = (r as { setAside?: SetAside }).setAside;
        if (aside?.sideFile)
          out.note(
            `set aside generation(s) ${aside.generations.map((g) => g.generation).join(', ')} in ${aside.sideFile}; your working tree still has their changes: add and commit them again`,
          );
        out.done(
          r.segments > 0
            ? `pulled generations ${r.fromGeneration + 1}-${r.toGeneration} from ${r.remote}; root ${r.root}`
            : `already up to date with ${r.remote} (generation ${r.toGeneration})`,
          { type: 'summary', ...r, ...(filled && { filled }) },
        );
      },
    );
  program
    .command('clone')
    .description("a new store from a remote's store, linked to DIR (created if missing)")
    .argument('<url>', 'the remote: file:///DIR, or a gateway http(s)://HOST[:PORT]')
    .argument('[dir]', 'the project directory to link (default: the current directory)', '.')
    .option('--store <id>', 'which store, when the remote holds several')
    .option('--root <hash>', 'from a gateway: the root you trust the head to have')
    .option('--lazy', 'fetch history and layer records only; chunks come when a read needs them')
    .option('--progress', 'show a progress line even when stderr is not a terminal')
    .action(
      async (
        url: string,
        dir: string,
        flags: { store?: string; root?: string; lazy?: boolean; progress?: boolean },
        cmd: Command,
      ) => {
        checkRemoteUrl(url);
        if (flags.lazy && isGateway(url))
          throw new UsageError('a gateway clone is never lazy', 'clone from the s3:// or file:/// remote for --lazy');
        const ids = await storesAt(url);
        const storeId = flags.store ?? (ids.length === 1 ? ids[0] : undefined);
        if (storeId === undefined)
          throw ids.length === 0
            ? new NotFoundError(`${url} holds no store`)
            : new UsageError(`${url} holds ${ids.length} stores`, `pick one with --store: ${ids.join(', ')}`);
        mkdirSync(resolve(dir), { recursive: true });
        const home = resolveHome();
        const run = longRun(output(cmd), flags.progress, true);
        const { store, pull: r } = await (isGateway(url)
          ? cloneFromGateway(url, storeId, resolve(dir), { home, root: flags.root })
          : clone(openRemote(url), storeId, resolve(dir), {
              home,
              lazy: flags.lazy,
              settleMs: loadConfig([join(home, 'config.toml')]).remote.settle_ms,
              ...run.options,
            })
        ).finally(run.done);
        if (listRemotes(store).origin === undefined) addRemote(store, 'origin', url); // (set by an interrupted run)
        output(cmd).done(
          `cloned store ${storeId} (${r.toGeneration} generations${r.lazy ? ', lazily: chunks come when read' : ''}) into ${resolve(dir)}; root ${r.root}`,
          { type: 'summary', ...r, storeId, dir: resolve(dir) },
        );
      },
    );
}
