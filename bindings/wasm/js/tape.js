// Rebuilds a result from the tape `src/tape.rs` writes: the plain objects JSON.parse would
// give for serde_json's text of it, without writing, decoding or parsing that text.
// ops: one kind byte per value; nums: numbers, lengths, string indices; text + lens: every
// distinct string once (lengths in UTF-16 code units). Imported by the module itself.

const NULL = 0, FALSE = 1, TRUE = 2, NUMBER = 3, STRING = 4, ARRAY = 5, OBJECT = 6;

export function fromTape(ops, nums, text, lens) {
  const strings = new Array(lens.length);
  for (let k = 0, at = 0; k < lens.length; k++) {
    strings[k] = text.slice(at, at + lens[k]);
    at += lens[k];
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
          const v = value();
          // JSON.parse makes "__proto__" an own property; an assignment would set the prototype.
          if (key === "__proto__") {
            Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
          } else {
            obj[key] = v;
          }
        }
        return obj;
      }
      default:
        throw new Error(`dti-wasm: a result tape is damaged at value ${o - 1}`);
    }
  };
  return value();
}
