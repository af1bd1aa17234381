// n8n loads the nodes and credentials listed in package.json's `n8n` field; this entry point exists only for tools that expect one.
module.exports = {};
