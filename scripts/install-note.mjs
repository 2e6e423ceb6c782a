#!/usr/bin/env node
// `prepare` of this checkout (npm ci / npm install; never run for users, who install a tarball).
// Runs on the first `node` on npm's script PATH, i.e. node_modules/.bin/node once the `node`
// devDependency has installed it. Says in one line why npm's engine warnings are hidden, and fails the
// install if the project did not get Node 22.
const major = (v) => Number(String(v).replace(/^v/, '').split('.')[0]);
const npmNode = /\bnode\/(v[\d.]+)/.exec(process.env.npm_config_user_agent ?? '')?.[1];

if (major(process.versions.node) < 22) {
  console.error(
    `plugin-eca: the project needs Node 22, but the node on npm's PATH is ${process.version} (${process.execPath}). ` +
      'node_modules/.bin/node comes from the preinstall of the devDependency "node", approved in package.json ' +
      '"allowScripts"; check `npm install-scripts ls` and that the install did not use --ignore-scripts.'
  );
  process.exit(1);
}
if (npmNode && major(npmNode) < 22) {
  console.log(
    `plugin-eca: npm runs on Node ${npmNode}, the project on Node ${process.version} (node_modules/.bin/node); ` +
      "npm's EBADENGINE warnings about Node 22 are therefore hidden (.npmrc loglevel=error; --loglevel=warn shows them)."
  );
}
