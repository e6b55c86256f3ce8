// Preloaded into every function process the harness starts (node --require): the process ends soon after
// the process that started it is gone, even when that one was SIGKILLed and could not stop it.
"use strict";
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch (err) {
    if (err.code === "ESRCH") process.exit(0);
  }
}, 500).unref();
