// RFC 6902 JSON Patch, applied without changing the document it is given: each object and
// array on the path of an op is copied and everything else is shared. So the previous view
// stays exactly as it was (a page may still hold it), and a changed card is a new object
// while the 299 others are the same objects as before. Ops: add, remove, replace, move,
// copy, test. An op that does not fit throws a PatchError (the page then asks for the whole
// view). tests/e2e/test_patch_js.py runs it against Python's jsonpatch library.

export class PatchError extends Error {}

function tokens(pointer) {
  if (pointer === "") return [];
  if (typeof pointer !== "string" || pointer[0] !== "/") throw new PatchError(`bad pointer ${pointer}`);
  return pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function index(list, token, adding) {
  if (adding && token === "-") return list.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError(`bad index ${token}`);
  const i = Number(token);
  if (i > list.length || (!adding && i === list.length)) throw new PatchError(`index ${i} out of range`);
  return i;
}

const own = (node, key) => Object.prototype.hasOwnProperty.call(node, key);
const isNode = (node) => node !== null && typeof node === "object";

// Set a key as data (a key "__proto__" from the server is a name like any other).
function put(node, key, value) {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

function child(node, key, path) {
  if (Array.isArray(node)) return node[index(node, key, false)];
  if (isNode(node) && own(node, key)) return node[key];
  throw new PatchError(`nothing at ${path}`);
}

export function get(doc, path) {
  let node = doc;
  for (const key of tokens(path)) node = child(node, key, path);
  return node;
}

// A copy of `doc` in which `change(parent, key)` was done to a copy of the parent of `path`;
// for the root, whatever `root()` returns.
function edit(doc, path, change, root) {
  const keys = tokens(path);
  if (!keys.length) return root();
  const walk = (node, depth) => {
    if (!isNode(node)) throw new PatchError(`nothing at ${path}`);
    const copy = Array.isArray(node) ? node.slice() : { ...node };
    const key = keys[depth];
    if (depth === keys.length - 1) {
      change(copy, key);
    } else if (Array.isArray(copy)) {
      const i = index(copy, key, false);
      copy[i] = walk(copy[i], depth + 1);
    } else {
      put(copy, key, walk(child(copy, key, path), depth + 1));
    }
    return copy;
  };
  return walk(doc, 0);
}

function add(doc, path, value) {
  return edit(doc, path, (parent, key) => {
    if (Array.isArray(parent)) parent.splice(index(parent, key, true), 0, value);
    else put(parent, key, value);
  }, () => value);
}

function replace(doc, path, value) {
  return edit(doc, path, (parent, key) => {
    if (Array.isArray(parent)) parent[index(parent, key, false)] = value;
    else if (own(parent, key)) put(parent, key, value);
    else throw new PatchError(`nothing to replace at ${path}`);
  }, () => value);
}

function remove(doc, path) {
  return edit(doc, path, (parent, key) => {
    if (Array.isArray(parent)) parent.splice(index(parent, key, false), 1);
    else if (own(parent, key)) delete parent[key];
    else throw new PatchError(`nothing to remove at ${path}`);
  }, () => { throw new PatchError("cannot remove the whole document"); });
}

export function equal(a, b) {
  if (a === b) return true;
  if (!isNode(a) || !isNode(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => own(b, key) && equal(a[key], b[key]));
}

// The document after `ops`, in order; `doc` itself is never changed.
export function applyPatch(doc, ops) {
  if (!Array.isArray(ops)) throw new PatchError("a patch is a list of ops");
  for (const op of ops) {
    if (!isNode(op)) throw new PatchError("an op is an object");
    const { path } = op;
    switch (op.op) {
      case "add": doc = add(doc, path, op.value); break;
      case "replace": doc = replace(doc, path, op.value); break;
      case "remove": doc = remove(doc, path); break;
      case "move": {
        const value = get(doc, op.from);
        doc = add(remove(doc, op.from), path, value);
        break;
      }
      case "copy": doc = add(doc, path, get(doc, op.from)); break; // shared: nothing is changed in place
      case "test":
        if (!equal(get(doc, path), op.value)) throw new PatchError(`test failed at ${path}`);
        break;
      default: throw new PatchError(`unknown op ${op.op}`);
    }
  }
  return doc;
}
