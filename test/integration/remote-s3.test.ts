// Remotes on a real S3-compatible server (OpenStack Swift with s3api: scripts/s3-test-server.sh, started by
// .ci/run, which sets DIGSTORE_TEST_S3). Without it the file is skipped with one line saying how to run it.
// No conditional PUTs here: concurrent pushers are decided by the settle-and-list rule (docs/remote.md).
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../dist/index.js';
import { clone, openRemote, pullInto, push } from '../../dist/api/remote.js';
import { gcRemote } from '../../dist/remote/remote-gc.js';
import { cleanupTempDirs, snapshot, tempDir } from '../helpers.js';

const ENDPOINT = process.env.DIGSTORE_TEST_S3;
if (!ENDPOINT)
  console.log(
    'S3 remote tests skipped: as root, `scripts/s3-test-server.sh install && scripts/s3-test-server.sh start`, then DIGSTORE_TEST_S3=http://127.0.0.1:8391',
  );
const settle = { settleMs: 1500 }; // > Swift's 1 s timestamps: short, still sound
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.skipIf(!ENDPOINT)('s3:// remote (Swift s3api)', () => {
  const bucket = `digstore-test-${randomBytes(4).toString('hex')}`;
  const saved = { ...process.env };
  let sdk: typeof import('@aws-sdk/client-s3');
  let s3: InstanceType<typeof sdk.S3Client>;

  beforeAll(async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: ENDPOINT,
      AWS_ACCESS_KEY_ID: 'test:tester',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    sdk = createRequire(import.meta.url)('@aws-sdk/client-s3');
    s3 = new sdk.S3Client({ region: 'us-east-1', endpoint: ENDPOINT, forcePathStyle: true });
    await s3.send(new sdk.CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(() => {
    process.env = saved;
    cleanupTempDirs();
  });

  async function commit(store: InstanceType<typeof Store>, dir: string, name: string, data: Buffer) {
    writeFileSync(join(dir, name), data);
    await store.add([name], { cwd: dir });
    return (await store.commit(name)).root;
  }

  it('push, clone elsewhere, incremental push and pull; two pushers: one wins; a changed part fails the pull', async () => {
    const url = `s3://${bucket}/team`;
    const dir = tempDir('dig-s3-a-');
    const store = Store.init(dir, { home: tempDir('dig-s3-ha-') });
    await commit(store, dir, 'a.bin', randomBytes(200_000));
    await commit(store, dir, 'big.bin', randomBytes(9 << 20));
    expect((await push(store, openRemote(url), settle)).toGeneration).toBe(2);
    // A part over 8 MiB went up as a multipart upload (S3 marks such an object's ETag with its piece count).
    const pushed = await s3.send(
      new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: `team/${store.storeId}/part/` }),
    );
    const biggest = pushed.Contents!.sort((p, q) => q.Size! - p.Size!)[0];
    expect(biggest.Size).toBeGreaterThan(9 << 20);
    expect((await s3.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: biggest.Key }))).ETag).toMatch(/-2"?$/);
    const behind = await clone(openRemote(url), store.storeId, tempDir('dig-s3-b-'), {
      ...settle,
      home: tempDir('dig-s3-hb-'),
    });

    // A lazy clone reads a range with ranged GETs: at most twice the covering chunks' bytes come over. Its URL
    // names the endpoint itself, which wins over the AWS settings (pointed nowhere meanwhile).
    const lazyDir = tempDir('dig-s3-lazy-');
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    const withEndpoint = `${url}?endpoint=${ENDPOINT}&region=us-east-1&path_style=true`;
    const { store: lazy } = await clone(openRemote(withEndpoint), store.storeId, lazyDir, {
      ...settle,
      home: tempDir('dig-s3-hl-'),
      lazy: true,
    }).finally(() => {
      process.env.AWS_ENDPOINT_URL = ENDPOINT;
    });
    expect(() => openRemote(`${url}?colour=red`)).toThrow(/unknown option 'colour'/);
    const range = '100000-109999';
    const covering = store.prove('a.bin', { range }).chunks!.reduce((n, c) => n + c.size, 0);
    const parts: Buffer[] = [];
    const read = await lazy.getTo('a.bin', (c) => void parts.push(Buffer.from(c)), { range });
    expect(sha(Buffer.concat(parts))).toBe(sha(store.get('a.bin', { range })));
    expect(read.fetched!.bytes).toBeGreaterThanOrEqual(10_000);
    expect(read.fetched!.bytes).toBeLessThanOrEqual(2 * covering);

    const [x, y] = await Promise.all(
      ['x', 'y'].map(async (who) => {
        const d = tempDir(`dig-s3-${who}-`);
        const { store: s } = await clone(openRemote(url), store.storeId, d, { ...settle, home: tempDir('dig-s3-h-') });
        expect(s.root()).toBe(store.root());
        expect(sha(s.get('a.bin'))).toBe(sha(store.get('a.bin')));
        await commit(s, d, `${who}.bin`, randomBytes(3000));
        return s;
      }),
    );
    const results = await Promise.all(
      [x, y].map((s) =>
        push(s, openRemote(url), settle).then(
          () => 'won',
          (e) => e.code,
        ),
      ),
    );
    expect([...results].sort()).toEqual(['CONFLICT', 'won']);
    const winner = results[0] === 'won' ? x : y;
    const pulled = await pullInto(store, openRemote(url), settle);
    expect([pulled.toGeneration, store.root()]).toEqual([3, winner.root()]);

    // Every part of the remote changed by one byte: a pull fails with the integrity code, the store as it was.
    const list = await s3.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: `team/${store.storeId}/part/` }));
    for (const o of list.Contents ?? []) {
      const body = Buffer.from(
        await (await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: o.Key }))).Body!.transformToByteArray(),
      );
      body[body.length >> 1] ^= 1;
      await s3.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: o.Key, Body: body }));
    }
    const before = snapshot(behind.store.paths.home);
    const err = await pullInto(behind.store, openRemote(url), settle).catch((e) => e);
    expect(err.code).toBe('INTEGRITY');
    expect(snapshot(behind.store.paths.home)).toEqual(before);
  }, 120_000);

  it('gc --remote aborts the multipart uploads a killed push left open, once past the grace period', async () => {
    const storeId = 'e'.repeat(64);
    const Key = `team/${storeId}/part/00000001-left-open`;
    await s3.send(new sdk.CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const open = async () =>
      (await s3.send(new sdk.ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `team/${storeId}/` }))).Uploads ??
      [];
    expect(await open()).toHaveLength(1);
    const remote = openRemote(`s3://${bucket}/team`);
    const young = await gcRemote(remote, storeId, { ...settle, dryRun: true });
    expect([young.removedObjects, young.youngObjects]).toEqual([0, 1]); // the default grace keeps it
    // Grace 0 still waits for the server's clock (whole seconds, estimated from below) to pass the upload's start.
    await new Promise((r) => setTimeout(r, settle.settleMs));
    const swept = await gcRemote(remote, storeId, { ...settle, graceMs: 0 });
    expect(swept.removed).toEqual([`${storeId}/part/00000001-left-open (unfinished write)`]);
    expect(await open()).toEqual([]);
  });
});
