// Copies what tsc does not emit: the SVG icons (n8n resolves `file:` icons relative to the compiled node
// file) and the codex `.node.json` files next to the compiled nodes.
const { src, dest } = require('gulp');

function copyAssets() {
	return src(['icons/**/*.svg', 'nodes/**/*.svg', 'credentials/**/*.svg', 'nodes/**/*.node.json'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:icons'] = copyAssets;
