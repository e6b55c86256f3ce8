"use strict";
// Stands in for es6-promise: its polyfill() only replaces a missing or broken Promise, never so on Node.
exports.Promise = Promise;
exports.polyfill = () => undefined;
