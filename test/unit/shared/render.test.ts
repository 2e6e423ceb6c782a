import { expect } from 'chai';
import { commandLine, layoutTable, printKeyValues, printTable, type TableOutput, terminalWidth } from '../../../src/shared/render.js';

function recorder(): TableOutput & { lines: string[]; tables: unknown[] } {
  const lines: string[] = [];
  const tables: unknown[] = [];
  return { lines, tables, log: (t = '') => lines.push(t), table: (o) => tables.push(o) };
}

const KEY = `3MVG9${'Xy7_'.repeat(20)}`; // 85 characters, as consumer keys are
const columns = [
  { key: 'name', name: 'Name', whole: true },
  { key: 'kind', name: 'Kind' },
  { key: 'flows', name: 'Flows' },
] as const;
const rows = [
  { name: 'Acme_Order_Synchronisation_Production', kind: 'External Client App', flows: 'client-credentials, jwt-bearer, web-server' },
  { name: 'Short', kind: 'Connected App', flows: 'device' },
];

describe('shared/render: tables that wrap, never truncate', () => {
  it('takes the natural width when it fits, or when the width is unknown (a pipe)', () => {
    const wide = layoutTable({ columns, data: rows, empty: '-' }, 200);
    expect(wide.kind).to.equal('table');
    expect(layoutTable({ columns, data: rows, empty: '-' }, undefined)).to.deep.equal({ kind: 'table', columns: (wide as { columns: unknown }).columns });
  });

  it('keeps whole columns whole and wraps the others between words when narrower', () => {
    const l = layoutTable({ columns, data: rows, empty: '-' }, 80);
    expect(l.kind).to.equal('table');
    if (l.kind !== 'table') return;
    expect(l.columns[0].width).to.equal('Acme_Order_Synchronisation_Production'.length + 2);
    expect(l.columns.reduce((a, c) => a + c.width, 0) + l.columns.length + 1).to.be.at.most(80);
    // never narrower than the longest word: a word is never split
    expect(l.columns[2].width).to.be.at.least('client-credentials,'.length + 2);
    expect(l.columns.every((c) => c.overflow === 'wrap')).to.equal(true);
  });

  it('prints each row as a block when even that does not fit: every line within the width, the name on a line of its own', () => {
    const out = recorder();
    printTable(out, { title: 'Apps', columns, data: rows, empty: '-' }, 40);
    expect(out.tables).to.deep.equal([]);
    expect(out.lines[0]).to.equal('Apps');
    expect(out.lines).to.include('Acme_Order_Synchronisation_Production');
    expect(out.lines.every((x) => x.length <= 40)).to.equal(true);
    expect(out.lines.join('\n')).to.contain('Kind: External Client App').and.not.contain('…');
  });

  it('says an empty result in words, with no table and no title', () => {
    const out = recorder();
    printTable(out, { title: 'Connected Apps', columns, data: [], empty: 'No Connected Apps found in prod.' }, 80);
    expect(out.lines).to.deep.equal(['No Connected Apps found in prod.']);
    expect(out.tables).to.deep.equal([]);
  });

  it('prints the title as its own line, never inside the table', () => {
    const out = recorder();
    printTable(out, { title: 'A long title that a narrow table would wrap one character per line', columns: [{ key: 'a', name: 'A' }], data: [{ a: 'x' }], empty: '-' }, 80);
    expect(out.lines[0]).to.equal('A long title that a narrow table would wrap one character per line');
    expect(out.tables[0]).to.not.have.property('title');
  });

  it('key/value pairs: a table when it fits, else "Key: value" lines with the key whole (create-like output at 80 columns)', () => {
    const pairs = [
      ['ID', '0H4xx0000000001AAA'],
      ['Consumer key', KEY],
      ['Deploy ID', undefined],
      ['Setup', 'https://acme.my.salesforce.com/lightning/setup/ManageExternalClientApplication/page?address=%2F0H4xx0000000001AAA'],
    ] as const;
    const narrow = recorder();
    printKeyValues(narrow, { pairs, empty: '-' }, 80);
    expect(narrow.tables).to.deep.equal([]);
    expect(narrow.lines).to.include(`Consumer key: ${KEY}`);
    expect(narrow.lines.join('\n')).to.not.contain('Deploy ID');
    const wide = recorder();
    printKeyValues(wide, { pairs, empty: '-' }, 250);
    expect(wide.tables).to.have.length(1);
  });

  it('the width: OCLIF_TABLE_COLUMN_OVERRIDE, the terminal, then an exported COLUMNS; none in a pipe', () => {
    expect(terminalWidth({ OCLIF_TABLE_COLUMN_OVERRIDE: '90', COLUMNS: '80' }, { isTTY: true, columns: 100 })).to.equal(90);
    expect(terminalWidth({ COLUMNS: '80' }, { isTTY: true, columns: 100 })).to.equal(100);
    expect(terminalWidth({ COLUMNS: '80' }, {})).to.equal(80);
    expect(terminalWidth({}, {})).to.equal(undefined);
  });
});

describe('shared/render: the command line a report quotes', () => {
  it('is the command as typed, quoted for a shell', () => {
    const argv = ['--source-dir', 'my apps', '--report-file', 'r.md', '--keep-consumer-key'];
    expect(commandLine('sf', 'eca:convert', argv, [])).to.equal("sf eca convert --source-dir 'my apps' --report-file r.md --keep-consumer-key");
    // the topic separator the user typed
    expect(commandLine('sf', 'eca:convert', argv, ['/usr/bin/node', '/usr/bin/sf', 'eca:convert', ...argv])).to.equal("sf eca:convert --source-dir 'my apps' --report-file r.md --keep-consumer-key");
    expect(commandLine('sf', 'eca:convert', argv, ['/usr/bin/node', '/usr/bin/sf', 'eca', 'convert', ...argv])).to.match(/^sf eca convert --source-dir/);
  });

  it('never repeats a secret: the value of a secret-looking flag, or any value that looks like a credential', () => {
    const line = commandLine('sf', 'eca:convert', ['--client-secret', 'hunter2', '--token=abc', '-o', '00D000000000001!AQ4AQ.token', '--secret-stdin', '--name', 'A', 'force://PlatformCLI::x@y']);
    expect(line).to.equal('sf eca convert --client-secret *** --token=*** -o *** --secret-stdin --name A ***');
  });
});
