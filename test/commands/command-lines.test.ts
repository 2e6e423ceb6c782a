/**
 * Every `sf ...` command line the plugin shows a user (messages/*.md, the actions and hints built
 * in src/, the README) names a command that exists, with flags that command has: the commands of
 * this plugin (oclif.manifest.json, written by the build) and those of the real sf (the manifests
 * of @salesforce/cli's core plugins in node_modules). Issue 16: an action pointed to "sf eca
 * validate", which never existed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../helpers/paths.js';

type Manifest = { commands: Record<string, { flags?: Record<string, { name: string; char?: string; aliases?: string[] }>; aliases?: string[] }> };

/** command id ("org:login:jwt") -> its flag names (long, aliases) and chars */
function commandsOf(manifests: readonly Manifest[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of manifests) {
    for (const [id, c] of Object.entries(m.commands)) {
      const flags = new Set<string>(['help', 'json', 'flags-dir']);
      for (const f of Object.values(c.flags ?? {})) {
        flags.add(f.name);
        for (const a of f.aliases ?? []) flags.add(a);
        if (f.char) flags.add(f.char);
      }
      for (const name of [id, ...(c.aliases ?? [])]) out.set(name.replace(/ /g, ':'), flags);
    }
  }
  return out;
}

function sfManifests(): Manifest[] {
  const cliDir = join(ROOT, 'node_modules', '@salesforce', 'cli');
  const pkg = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as { oclif: { plugins: string[] } };
  const manifests: Manifest[] = [];
  for (const plugin of pkg.oclif.plugins) {
    // npm hoists a plugin to the top node_modules unless another version sits beside sf
    const file = [join(cliDir, 'node_modules', plugin, 'oclif.manifest.json'), join(ROOT, 'node_modules', plugin, 'oclif.manifest.json')].find((f) => existsSync(f));
    if (file) manifests.push(JSON.parse(readFileSync(file, 'utf8')) as Manifest);
  }
  return manifests;
}

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(ending))
    .map((d) => join(d.parentPath, d.name));
}

/**
 * The command lines in a text: "sf" and the words after it while they make a known topic path,
 * then the flags up to the end of the line, a shell separator, a double quote or the next "sf ".
 */
function commandLines(text: string, commands: Map<string, Set<string>>, topics: Set<string>): Array<{ line: string; problem?: string }> {
  const found: Array<{ line: string; problem?: string }> = [];
  // a line ends at a shell separator, a double quote (the prose around "sf ...") or the next "sf "
  for (const m of text.matchAll(/(?<![\w./-])sf ([a-z][a-z-]*(?: [a-z][a-z-]*)*)((?:(?! sf )[^\n`|;&)"])*)/g)) {
    const words = m[1].split(' ');
    if (!topics.has(words[0])) continue;
    let id: string | undefined;
    for (let n = words.length; n > 0 && !id; n--) if (commands.has(words.slice(0, n).join(':'))) id = words.slice(0, n).join(':');
    const line = `sf ${m[1]}${m[2]}`.trim();
    if (!id) {
      // a topic named on its own ("sf eca ...", "the sf org commands") is not a command line
      if (words.length > 1 && [...commands.keys()].some((k) => k.startsWith(`${words.slice(0, 2).join(':')}:`))) continue;
      if (words.length === 1 || !/ --?[a-z]/.test(m[2])) continue;
      found.push({ line, problem: `no command "sf ${m[1]}"` });
      continue;
    }
    const flags = commands.get(id) as Set<string>;
    const unknown = [...m[2].matchAll(/(?:^|\s)--?([a-z][a-z-]*)/g)].map((f) => f[1]).filter((f) => !flags.has(f));
    found.push({ line, problem: unknown.length ? `${id} has no flag ${unknown.map((f) => `--${f}`).join(', ')}` : undefined });
  }
  return found;
}

describe('command lines shown to users name commands and flags that exist', () => {
  it('in messages/*.md, src/ and the README', function () {
    const own = join(ROOT, 'oclif.manifest.json');
    if (!existsSync(own)) this.skip(); // needs npm run build
    const commands = commandsOf([...sfManifests(), JSON.parse(readFileSync(own, 'utf8')) as Manifest]);
    const topics = new Set([...commands.keys()].map((k) => k.split(':')[0]));
    expect(commands.has('org:login:jwt') && commands.has('project:deploy:start') && commands.has('eca:create'), 'the manifests were read').to.equal(true);
    const files = [...filesUnder(join(ROOT, 'messages'), '.md'), ...filesUnder(join(ROOT, 'src'), '.ts'), join(ROOT, 'README.md')];
    const problems: string[] = [];
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // in source, what users see: comment lines describe the code (and commands still being built)
      const shown = file.endsWith('.ts') ? text.split('\n').filter((l) => !/^\s*(\*|\/\*|\/\/)/.test(l)).join('\n') : text;
      for (const c of commandLines(shown, commands, topics)) {
        checked++;
        if (c.problem) problems.push(`${file.slice(ROOT.length + 1)}: ${c.line.slice(0, 140)}: ${c.problem}`);
      }
    }
    expect(checked, 'command lines checked').to.be.greaterThan(50);
    expect(problems).to.deep.equal([]);
  });

  it('would catch one that does not exist', () => {
    const commands = new Map([['eca:create', new Set(['name'])]]);
    const topics = new Set(['eca']);
    expect(commandLines('Check it with: sf eca validate --name X', commands, topics).map((c) => c.problem)).to.deep.equal(['no command "sf eca validate"']);
    expect(commandLines('sf eca create --name X --nope', commands, topics).map((c) => c.problem)).to.deep.equal(['eca:create has no flag --nope']);
  });
});
