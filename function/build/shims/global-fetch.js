"use strict";
// Stands in for node-fetch and isomorphic-fetch in the bundle: the function runs on Node >= 18, whose global
// fetch they would only polyfill (isomorphic-fetch installs node-fetch only when global.fetch is missing).
module.exports = globalThis.fetch;
module.exports.default = globalThis.fetch;
module.exports.Headers = globalThis.Headers;
module.exports.Request = globalThis.Request;
module.exports.Response = globalThis.Response;
