// A module resolve hook (node:module register) that lets ES module imports find packages in a
// function's layers, as Lambda's Node.js 18+ runtimes do, in Lambda's order: a package found from
// the function's own code or from inside the layers wins; otherwise one in the layer directories
// (<opt>/nodejs/node<major>/node_modules, then <opt>/nodejs/node_modules) wins over Cloudbox's
// copy of the AWS SDK and its other packages; otherwise Node's answer stands.
// Registered by bootstrap.mjs for functions with layers only. Plain JavaScript, outside the
// TypeScript build.
import { fileURLToPath, pathToFileURL } from "node:url";

let dirs = [];
let inside = [];

export const initialize = (data) => {
  dirs = data.dirs;
  inside = data.inside;
};

// A bare specifier: a package name, not a relative or absolute path, URL or #import.
const bare = (s) => !/^(\.{0,2}\/|#|[a-zA-Z][a-zA-Z\d+.-]*:)/.test(s);
const isInside = (url) => {
  if (!url.startsWith("file:")) return true; // node: builtins and the like
  const path = fileURLToPath(url);
  return inside.some((d) => path === d || path.startsWith(d + "/"));
};

export const resolve = async (specifier, context, next) => {
  if (!bare(specifier) || !context.parentURL?.startsWith("file:")) return next(specifier, context);
  let first;
  let error;
  try {
    first = await next(specifier, context);
    if (isInside(first.url)) return first;
  } catch (e) {
    error = e;
  }
  for (const d of dirs) {
    try {
      // Resolving from a file in <dir> looks in <dir>/node_modules, then <dir>/../node_modules =
      // <dir> itself, then further up: only an answer inside <dir> counts.
      const r = await next(specifier, { ...context, parentURL: pathToFileURL(`${d}/__cloudbox_layers__.mjs`).href });
      if (r.url.startsWith("file:") && fileURLToPath(r.url).startsWith(d + "/")) return r;
    } catch {
      // not in this layer directory
    }
  }
  if (first) return first;
  throw error;
};
