// Rebuilds a result from the tape `src/tape.rs` writes: the plain objects JSON.parse would
// give for serde_json's text of it, without writing, decoding or parsing that text.
// ops: one kind byte per value; nums: numbers, lengths, string and shape indices; text + lens:
// every distinct string once (lengths in UTF-16 code units); shapes: each struct shape's key
// count and key string indices. Imported by the module itself.

const NULL = 0, FALSE = 1, TRUE = 2, NUMBER = 3, STRING = 4, ARRAY = 5, OBJECT = 6, SHAPED = 7;

// Whether `new Function` may be used: a Content-Security-Policy without 'unsafe-eval' (or
// node's --disallow-code-generation-from-strings) forbids it; objects are then built key by
// key, the same objects, more slowly.
let generate = true;

// Builders by shape (their keys' JSON), kept across calls: a result type has a few shapes.
const builders = new Map();

// A function that builds an object of `keys`, reading each value in order with `read()`.
// One object literal per shape: V8 makes such objects with their final layout at once, where
// adding keys one by one to `{}` costs a layout change per key (about half of decoding).
function builder(keys) {
  const id = JSON.stringify(keys);
  let build = builders.get(id);
  if (build !== undefined) return build;
  if (generate) {
    // Keys are struct field names (`&'static str` in Rust), written as JSON string literals;
    // "__proto__" as a computed key, so that it stays an own property as JSON.parse keeps it.
    const fields = keys.map((k) => (k === "__proto__" ? '["__proto__"]' : JSON.stringify(k)) + ": read()");
    try {
      build = new Function("read", `return {${fields.join(", ")}};`);
    } catch {
      generate = false;
    }
  }
  if (build === undefined) {
    build = (read) => {
      const obj = {};
      for (let k = 0; k < keys.length; k++) put(obj, keys[k], read());
      return obj;
    };
  }
  if (builders.size >= 1000) builders.clear();
  builders.set(id, build);
  return build;
}

// Sets a key as JSON.parse does: "__proto__" becomes an own property, not the prototype.
function put(obj, key, v) {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = v;
  }
}

export function fromTape(ops, nums, text, lens, shapes) {
  const strings = new Array(lens.length);
  for (let k = 0, at = 0; k < lens.length; k++) {
    strings[k] = text.slice(at, at + lens[k]);
    at += lens[k];
  }
  const builds = [];
  for (let at = 0; at < shapes.length; ) {
    const len = shapes[at++];
    const keys = new Array(len);
    for (let k = 0; k < len; k++) keys[k] = strings[shapes[at++]];
    builds.push(builder(keys));
  }
  let o = 0;
  let n = 0;
  const value = () => {
    switch (ops[o++]) {
      case NULL: return null;
      case FALSE: return false;
      case TRUE: return true;
      case NUMBER: return nums[n++];
      case STRING: return strings[nums[n++]];
      case ARRAY: {
        const len = nums[n++];
        const a = new Array(len);
        for (let k = 0; k < len; k++) a[k] = value();
        return a;
      }
      case OBJECT: {
        const len = nums[n++];
        const obj = {};
        for (let k = 0; k < len; k++) {
          const key = strings[nums[n++]];
          put(obj, key, value());
        }
        return obj;
      }
      case SHAPED: {
        const build = builds[nums[n++]];
        if (build === undefined) break;
        return build(value);
      }
    }
    throw new Error(`dti-wasm: a result tape is damaged at value ${o - 1}`);
  };
  return value();
}
