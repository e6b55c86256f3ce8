"use strict";
// Stands in for thread-stream, which pino needs only for worker-thread transports: the function logs with
// pino.destination (synchronous writes to stdout) and never starts a transport.
module.exports = class ThreadStream {
  constructor() {
    throw new Error("pino transports are not bundled in the function (it logs to stdout with pino.destination)");
  }
};
