// The `Buffer` global that src/core's byte readers and writers use, in the browser: the `buffer` package,
// injected by scripts/bundle-web.mjs wherever the bundle names Buffer.
export { Buffer } from 'buffer';
