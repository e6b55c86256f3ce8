"use strict";
// Stands in for sshpk's Ed25519/Curve25519 (tweetnacl), ECDSA (ecc-jsbn) and encrypted-OpenSSH-key
// (bcrypt-pbkdf) helpers. sshpk requires them at load but uses them only for those key types; the function
// signs with the resource principal's or API key's RSA key, so they never run. Reaching one fails loudly.
module.exports = new Proxy(
  {},
  {
    get(_target, prop) {
      throw new Error(`sshpk reached ${String(prop)} of a helper not bundled in the function: only RSA signing keys are supported`);
    },
  },
);
