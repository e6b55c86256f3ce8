// Jest project "node20": the bundled function runs on the machine's own node (the one that started npm),
// even when node_modules/.bin/node (the node@22 devDependency) comes first on PATH inside npm scripts.
process.env.FUNCTION_NODE = process.env.npm_node_execpath || process.execPath;
