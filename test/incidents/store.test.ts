import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { StateStore, STATE_FILE } from '../../src/incidents/store.js';
import { createLogger, silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, outage, tempDir } from './helpers.js';

describe('state store', () => {
  test('an unreadable state file is moved aside with RP_ERR_STATE_CORRUPT and the engine starts empty', async () => {
    const state = await tempDir();
    try {
      for (const garbage of ['{"version":1,"incidents":', '{"version":99}', '[]']) {
        await writeFile(join(state.dir, STATE_FILE), garbage);
        const lines: string[] = [];
        const log = createLogger({ destination: new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }) });
        const manager = await IncidentManager.open({ config: testConfig(`incidents: { stateDir: ${JSON.stringify(state.dir)} }`), log });
        assert.deepEqual(manager.list(), []);
        await manager.close();
        assert.ok(
          lines.some((l) => l.includes('RP_ERR_STATE_CORRUPT')),
          garbage,
        );
      }
      const files = await readdir(state.dir);
      assert.equal(files.filter((f) => f.includes('.corrupt-')).length, 3, 'every bad file is kept for a human');
    } finally {
      await state.remove();
    }
  });

  test('stale temp files from a killed writer are removed; fresh ones (another writer) are left alone', async () => {
    const state = await tempDir();
    try {
      const stale = join(state.dir, `${STATE_FILE}.123.1.tmp`);
      const fresh = join(state.dir, `${STATE_FILE}.456.1.tmp`);
      await writeFile(stale, '{"torn');
      await writeFile(fresh, '{"half');
      const old = new Date(Date.now() - 3_600_000);
      await utimes(stale, old, old);
      await new StateStore(state.dir, silentLogger()).load();
      assert.equal(existsSync(stale), false);
      assert.equal(existsSync(fresh), true);
    } finally {
      await state.remove();
    }
  });

  test('commits coalesce and every caller waits for durability', async () => {
    const state = await tempDir();
    try {
      const store = new StateStore(state.dir, silentLogger());
      let value = 0;
      let writes = 0;
      const snapshot = (): string => (writes++, JSON.stringify({ value }));
      const all = Array.from({ length: 20 }, () => ((value += 1), store.commit(snapshot)));
      await Promise.all(all);
      assert.ok(writes < 20, `${writes} writes for 20 commits`);
      const loaded = await import('node:fs/promises').then((fs) => fs.readFile(join(state.dir, STATE_FILE), 'utf8'));
      assert.deepEqual(JSON.parse(loaded), { value: 20 });
    } finally {
      await state.remove();
    }
  });

  test('a follower (isLeader false) neither opens nor pages, then continues the shared state once it leads', async () => {
    const state = await tempDir();
    const clock = new FakeClock();
    const config = testConfig(`incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1 }\nnotify: [{ type: log }]`);
    let leading = false;
    const leader = await IncidentManager.open({ config, log: silentLogger(), clock });
    const follower = await IncidentManager.open({ config, log: silentLogger(), clock, isLeader: () => leading });
    try {
      await follower.evaluate(outage());
      assert.deepEqual(follower.list(), [], 'a follower opens nothing');
      await leader.evaluate(outage());
      const id = leader.list()[0].id;
      await follower.evaluate(outage());
      assert.equal(follower.list()[0]?.id, id, 'a follower keeps a fresh read-only copy');
      await leader.close();
      leading = true;
      await follower.evaluate(outage());
      assert.deepEqual(
        follower.list().map((i) => i.id),
        [id],
        'the new leader continues the same incident',
      );
    } finally {
      await follower.close();
      await leader.close();
      await state.remove();
    }
  });
});
