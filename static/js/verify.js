// Verify one entry of the record in the visitor's own browser (Web Crypto), from public data only:
// the entry's bytes, its inclusion proof and the signed checkpoint. RFC 6962 / RFC 9162 §2.1.3.2.
"use strict";
(function () {
  var panel = document.getElementById("verify-panel");
  if (!panel || !window.crypto || !window.crypto.subtle) { return; }
  var button = document.getElementById("verify-button");
  var result = document.getElementById("verify-result");
  button.hidden = false;

  function b64(text) {
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function concat(parts) {
    var length = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(length), offset = 0;
    parts.forEach(function (p) { out.set(p, offset); offset += p.length; });
    return out;
  }
  function sha256(bytes) {
    return crypto.subtle.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); });
  }
  function equal(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function getJSON(url) {
    return fetch(url, { credentials: "omit" }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }
  // RFC 9162 §2.1.3.2: recompute the root from the leaf hash and the audit path
  function rootFromPath(index, size, leafHash, path) {
    if (index >= size) { return Promise.reject(new Error("index")); }
    var fn = index, sn = size - 1, sides = [];
    for (var i = 0; i < path.length; i++) {
      if (sn === 0) { return Promise.reject(new Error("proof too long")); }
      if ((fn & 1) === 1 || fn === sn) {
        sides.push(true); // the proof element is on the left
        if ((fn & 1) === 0) {
          while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
        }
      } else {
        sides.push(false);
      }
      fn >>= 1; sn >>= 1;
    }
    if (sn !== 0) { return Promise.reject(new Error("proof too short")); }
    var r = Promise.resolve(leafHash);
    path.forEach(function (p, i) {
      r = r.then(function (acc) {
        return sha256(concat([new Uint8Array([1]), sides[i] ? p : acc, sides[i] ? acc : p]));
      });
    });
    return r;
  }

  function show(state, text) {
    result.className = "verify-result verify-" + state;
    result.textContent = text;
  }

  button.addEventListener("click", function () {
    var index = parseInt(panel.dataset.index, 10);
    var size = parseInt(panel.dataset.size, 10);
    var expectedRoot = b64(panel.dataset.root);
    show("running", panel.dataset.msgRunning);
    var leafBytes;
    getJSON(panel.dataset.entryUrl).then(function (body) {
      leafBytes = b64(body.entries[0].leaf);
      return sha256(concat([new Uint8Array([0]), leafBytes]));
    }).then(function (leafHash) {
      if (hex(leafHash) !== panel.dataset.leafHash) { throw new Error("leaf hash"); }
      return getJSON(panel.dataset.proofUrl).then(function (proof) {
        return rootFromPath(index, size, leafHash, proof.proof.map(b64));
      });
    }).then(function (root) {
      if (!equal(root, expectedRoot)) { throw new Error("root"); }
      show("ok", panel.dataset.msgOk);
    }).catch(function () {
      show("fail", panel.dataset.msgFail);
    });
  });
})();
