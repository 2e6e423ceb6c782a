import { expect } from 'chai';
import { barView, isInteractive, spinnerView, stagesView } from '../../../src/shared/progress.js';
import type { Progress, Spinner } from '@salesforce/sf-plugins-core';

const noSpinner = {
  start: () => expect.fail('no spinner outside a terminal'),
  stop: () => undefined,
} as unknown as Spinner;
const noBar = { start: () => expect.fail('no bar outside a terminal') } as unknown as Progress;

describe('shared/progress: quiet outside a terminal', () => {
  it('is interactive only when stdout and stderr are both terminals', () => {
    expect(isInteractive({ stdout: { isTTY: true }, stderr: { isTTY: true } })).to.equal(true);
    expect(isInteractive({ stdout: { isTTY: true }, stderr: {} })).to.equal(false);
    expect(isInteractive({ stdout: {}, stderr: { isTTY: true } })).to.equal(false);
  });

  it('stages: one plain line per stage, with the values known then, never repeated, nothing for value updates', async () => {
    const lines: string[] = [];
    const view = await stagesView({ title: 'Migrating from dev to prod', stages: ['A', 'B'], jsonEnabled: false, interactive: false, line: (t) => lines.push(t), fields: [{ label: 'Target', key: 'target' }] });
    view.onProgress({ stage: 'A' });
    view.onProgress({ data: { target: 'prod' } });
    view.onProgress({ data: { target: 'prod', status: 'x' } });
    view.onProgress({ stage: 'B' });
    view.onProgress({ stage: 'B' });
    view.stop('failed');
    expect(lines).to.deep.equal(['Migrating from dev to prod: A', 'Migrating from dev to prod: B (target prod)']);
  });

  it('a spinner: its text once as a line; a bar: its title once; nothing under --json', async () => {
    const lines: string[] = [];
    const spin = spinnerView(noSpinner, false, (stage) => `Reading ${stage}`, { interactive: false, line: (t) => lines.push(t) });
    spin.onProgress({ stage: 'dev' });
    spin.onProgress({ stage: 'dev' });
    spin.stop();
    const bar = barView(noBar, noSpinner, { jsonEnabled: false, interactive: false, title: 'Converting', format: '', text: () => undefined, line: (t) => lines.push(t) });
    for (let i = 1; i <= 3; i++) bar.onProgress({ done: i, total: 3 });
    expect(lines).to.deep.equal(['Reading dev', 'Converting (3)']);
    const json = await stagesView({ title: 'T', stages: ['A'], jsonEnabled: true, interactive: true, line: () => expect.fail('nothing under --json') });
    json.onProgress({ stage: 'A' });
  });
});
