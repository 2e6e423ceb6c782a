import { expect } from 'chai';
import { buildReport } from '../../../src/domain/report/index.js';
import { checkSvg, html, mdCode, mdText, renderCharts, renderHtml, renderJson, renderMarkdown, scriptHash } from '../../../src/domain/report/render/index.js';
import { fixtureReport, HOSTILE_APPLICATION, HOSTILE_DESCRIPTION, HOSTILE_LABEL, NOW, UNREACHABLE } from '../../helpers/reportFixture.js';

describe('report rendering', function () {
  this.timeout(30_000);
  const data = fixtureReport();
  let page = '';
  before(async () => {
    page = await renderHtml(data);
  });

  describe('HTML', () => {
    it('escapes every piece of client text: one script element, ours', () => {
      expect(page.match(/<script/gi)).to.have.length(1);
      for (const hostile of [HOSTILE_LABEL, HOSTILE_DESCRIPTION, HOSTILE_APPLICATION]) expect(page).not.to.contain(hostile);
      expect(page).not.to.match(/<img/i);
      expect(page).to.contain('&lt;script&gt;alert(&quot;label&quot;)&lt;/script&gt; Partner Portal');
      expect(page).to.contain('&lt;img src=x onerror=alert(1)&gt;');
      expect(page).to.contain('Evil &lt;/td&gt;&lt;/tr&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    });

    it('loads nothing: no src, no stylesheet link, no CSS url(); links are plain https anchors', () => {
      expect(page).not.to.match(/<[^>]+\ssrc\s*=/i);
      expect(page).not.to.match(/<link\b/i);
      expect(page).not.to.match(/url\(|@import/i);
      const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
      expect(hrefs.length).to.be.greaterThan(5);
      for (const h of hrefs) expect(h).to.match(/^https:\/\//);
      expect(page.match(/<a /g)?.length).to.equal(hrefs.length);
    });

    it('admits its own script by hash and nothing else', () => {
      const script = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
      const csp = (/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1] ?? '').replace(/&#39;/g, "'");
      expect(csp).to.contain("default-src 'none'");
      expect(csp).to.contain(`script-src '${scriptHash(script)}'`);
      expect(csp).not.to.contain('unsafe-eval');
    });

    it('puts the summary first: the KPIs, three SVG charts with their numbers, the unreadable org', () => {
      const summary = page.slice(page.indexOf('<section class="summary"'), page.indexOf('<section id="deadlines"'));
      expect(summary.match(/data-kpi="/g)).to.have.length(4);
      expect(summary).to.match(/data-kpi="convertible-now"><div class="value">18<\/div>/);
      expect(summary.match(/<figure data-chart=/g)).to.have.length(3);
      expect(summary.match(/<svg/g)).to.have.length(3);
      expect(summary).to.contain('data-org-error="acme-dev"');
    });

    it('is the same page for the same data', async () => {
      expect(await renderHtml(data)).to.equal(page);
    });

    it('renders a report with no org read', async () => {
      const empty = buildReport([UNREACHABLE], { now: NOW });
      const p = await renderHtml(empty);
      expect(p).to.contain('No org could be read.');
      expect(p).to.contain('acme-dev could not be read.');
      expect(p.match(/<svg/g)).to.equal(null);
    });
  });

  describe('charts', () => {
    it('draws the numbers of the report', async () => {
      const [findings, funnel, usage] = await renderCharts(data);
      // the fixture runs the real rule catalogue, so the counts are the catalogue's: read them from the data
      const expected = data.orgs.flatMap((o) =>
        o.status === 'ok' ? [[o.org.alias, o.findings.summary.critical, o.findings.summary.high, o.findings.summary.medium, o.findings.summary.low]] : []
      );
      expect(expected).to.have.length(2);
      expect(expected.every((r) => (r.slice(1) as number[]).some((n) => n > 0))).to.equal(true);
      expect(findings.table.rows).to.deep.equal(expected);
      expect(funnel.table.rows.slice(0, 3)).to.deep.equal([
        ['Connected Apps to move', 26],
        ['Convertible (some need a look)', 19],
        ['Convertible now', 18],
      ]);
      expect(usage.table.rows[0]).to.deep.equal(['Acme Partner App', 'acme-prod', 'OAuth requirements for partner apps (May 11, 2026)', 2400, 1500]);
      for (const c of [findings, funnel, usage]) expect(c.svg).to.match(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    });

    it('rejects SVG that could run or fetch', () => {
      expect(() => checkSvg('<svg><script>x</script></svg>')).to.throw(/rejected/);
      expect(() => checkSvg('<svg><rect onclick="x()"/></svg>')).to.throw(/rejected/);
      expect(() => checkSvg('<svg><image href="https://evil.example/x.png"/></svg>')).to.throw(/rejected/);
      expect(() => checkSvg('<svg><rect style="fill:url(https://evil.example/#p)"/></svg>')).to.throw(/rejected/);
      expect(checkSvg('<svg><use href="#a"/></svg>')).to.equal('<svg><use href="#a"/></svg>');
    });
  });

  describe('Markdown and JSON', () => {
    const md = renderMarkdown(data);

    it('escapes client text so it cannot become markup, a link or a broken table', () => {
      expect(md).not.to.match(/<script|<img|<\/td>/i);
      expect(md).to.contain('&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;alert\\(2\\)&lt;/script&gt;');
      expect(mdText('a | b [x](http://evil) *y*')).to.equal('a \\| b \\[x\\]\\(http://evil\\) \\*y\\*');
      expect(mdCode('say `hi`')).to.equal('`` say `hi` ``');
      expect(mdCode('a|b')).to.equal('`a\\|b`');
    });

    it('has the summary, every section, and the unreadable org', () => {
      for (const h of ['## Summary', '## Deadlines', '## Will break', '## Conversion readiness', '## Policy findings', '## Integration hygiene', '## Compliance packs', '## Orgs']) {
        expect(md).to.contain(`\n${h}\n`);
      }
      expect(md).to.contain('- **18** of 26 Connected Apps can be converted now');
      expect(md).to.contain('> **acme-dev could not be read:**');
      const findings = md.slice(md.indexOf('## Policy findings'), md.indexOf('## Integration hygiene'));
      expect(findings.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| Severity'))).to.have.length(data.totals.findings.total);
    });

    it('report.json is the data', () => {
      expect(JSON.parse(renderJson(data))).to.deep.equal(JSON.parse(JSON.stringify(data)));
    });
  });

  it('html`` escapes interpolations and keeps its own markup', () => {
    expect(html`<p title="${'"x"'}">${'<b>'}${html`<i>ok</i>`}${['a', '<b>']}</p>`.value).to.equal('<p title="&quot;x&quot;">&lt;b&gt;<i>ok</i>a&lt;b&gt;</p>');
  });
});
