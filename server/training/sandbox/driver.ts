/**
 * The JavaScript that runs *inside* QuickJS, once per context, before any user code.
 *
 * It hardens the realm and then returns the "driver": the only functions the host ever calls.
 *   - Hardening: a no-op `console` (so leftover console.log calls don't fail), length guards on
 *     built-ins whose native loops QuickJS cannot interrupt, overridable-but-frozen
 *     Object/Error/Function prototype properties, then every reachable intrinsic and the global
 *     object are frozen. Frozen intrinsics are what make it safe to reuse one context for every
 *     record: `Object.prototype.x = 1` throws instead of leaking into the next record.
 *   - Driver: load(code, names) evaluates the user's code and lists its functions, select(id)
 *     picks one, setBatch(samples) takes a run of samples (decoded from QuickJS's binary format by
 *     the host, sample-encoding.ts), call(i) runs the function on the i-th and returns a JSON
 *     envelope (never a live object), and settle() finishes an async result after the host has run
 *     pending jobs.
 * The evaluator is defined outside the driver's closure so eval'd user code cannot see the
 * driver's variables.
 *
 * Kept as a string (not a host function's .toString()) because the host's own transpiler may
 * inject helpers into functions that do not exist inside QuickJS.
 */

/**
 * call() returns a string result as this prefix and the string itself, instead of a JSON envelope
 * (which always starts with "{"), when the string has no NUL and no surrogate code unit.
 */
export const RAW_STRING = "s";

/** call() returns this when the function returned a Promise; the host then runs jobs and calls settle(). */
export const PENDING = '{"kind":"pending"}';

/**
 * Array methods QuickJS runs as native loops without ever checking the deadline, so
 * `Array(2 ** 32 - 1).indexOf(1)` would block the host thread for minutes. A dense array this long
 * does not fit in the memory limit anyway, so only sparse arrays and array-likes are refused.
 */
export const MAX_NATIVE_LOOP_LENGTH = 2 ** 23;

/**
 * How deeply nested a result may be. QuickJS serialises JSON recursively in native code that its
 * stack limit does not see, so a deep enough result (a long linked list, say) would overflow the
 * host's stack instead of failing cleanly; real training samples are a few levels deep.
 */
export const MAX_RESULT_DEPTH = 256;

/** Error messages (inside QuickJS) that mean a resource limit was hit rather than a bug in the function. */
export const RESOURCE_LIMIT_MESSAGES = [
  "out of memory",
  "string too long",
  "invalid string length",
  "invalid array buffer length",
  "BigInt is too large",
  "stack overflow",
  "Maximum call stack size exceeded",
  "exceeds the sandbox limit",
];

export const DRIVER_SOURCE = String.raw`
(function createDriver(evaluateUserCode) {
  "use strict";
  var global = globalThis;
  var MAX_NATIVE_LOOP_LENGTH = ${MAX_NATIVE_LOOP_LENGTH};
  var MAX_RESULT_DEPTH = ${MAX_RESULT_DEPTH};
  var RESOURCE_LIMIT_MESSAGES = ${JSON.stringify(RESOURCE_LIMIT_MESSAGES)};
  var PENDING = ${JSON.stringify(PENDING)};
  var apply = Reflect.apply;
  var defineProperty = Object.defineProperty;
  var getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  var getPrototypeOf = Object.getPrototypeOf;
  var isArray = Array.isArray;
  var NativePromise = Promise;
  var promiseThen = Promise.prototype.then;
  var functionToString = Function.prototype.toString;
  var regexpExec = RegExp.prototype.exec;
  var RAW_STRING = ${JSON.stringify(RAW_STRING)};
  // What would not survive the trip as a C string: NUL ends it, a lone surrogate becomes U+FFFD.
  var NOT_RAW = /[\u0000\ud800-\udfff]/;

  installConsole();
  guardNativeLoops();
  allowOverridingBuiltins();
  freezeIntrinsics();

  // ---- hardening ---------------------------------------------------------------------------

  function installConsole() {
    var console = {};
    var noop = function () {};
    ["log", "info", "warn", "error", "debug", "trace", "dir", "table", "time", "timeEnd", "timeLog",
      "group", "groupCollapsed", "groupEnd", "assert", "count", "countReset"].forEach(function (name) {
      console[name] = noop;
    });
    defineProperty(global, "console", { value: console, writable: false, enumerable: false, configurable: false });
  }

  function tooLarge(what, length) {
    return new RangeError(what + ": length " + length + " exceeds the sandbox limit of " + MAX_NATIVE_LOOP_LENGTH);
  }

  function checkLength(object, what) {
    if (object === null || object === undefined) return; // the native method throws its own TypeError
    var length = object.length;
    if (length > MAX_NATIVE_LOOP_LENGTH) throw tooLarge(what, length);
  }

  function checkNested(array, depth, what) {
    if (!(depth >= 1)) return;
    for (var i = 0, n = array.length; i < n; i++) {
      var item = array[i];
      if (isArray(item)) {
        checkLength(item, what);
        checkNested(item, depth - 1, what);
      }
    }
  }

  function replaceMethod(object, name, check) {
    var original = object[name];
    var guarded = ({
      [name]() {
        check(this, arguments, original);
        return apply(original, this, arguments);
      },
    })[name];
    defineProperty(guarded, "length", { value: original.length });
    defineProperty(object, name, { value: guarded });
  }

  function guardNativeLoops() {
    var ArrayPrototype = Array.prototype;
    var cheap = ["constructor", "at", "push", "pop"]; // O(1) or failing fast on huge lengths
    Object.getOwnPropertyNames(ArrayPrototype).forEach(function (name) {
      if (cheap.indexOf(name) >= 0 || typeof ArrayPrototype[name] !== "function") return;
      var what = "Array.prototype." + name;
      replaceMethod(ArrayPrototype, name, function (receiver) { checkLength(receiver, what); });
    });
    // values and @@iterator are the same function; keep them the same after wrapping.
    defineProperty(ArrayPrototype, Symbol.iterator, { value: ArrayPrototype.values });
    replaceMethod(ArrayPrototype, "concat", function (receiver, args) {
      checkLength(receiver, "Array.prototype.concat");
      for (var i = 0; i < args.length; i++) {
        if (args[i] !== null && typeof args[i] === "object") checkLength(args[i], "Array.prototype.concat");
      }
    });
    replaceMethod(ArrayPrototype, "flat", function (receiver, args) {
      checkLength(receiver, "Array.prototype.flat");
      if (isArray(receiver) && typeof args[0] !== "symbol") {
        checkNested(receiver, args[0] === undefined ? 1 : Number(args[0]), "Array.prototype.flat");
      }
    });
    var flatMap = ArrayPrototype.flatMap;
    defineProperty(ArrayPrototype, "flatMap", {
      value: ({
        flatMap(mapper, thisArg) {
          checkLength(this, "Array.prototype.flatMap");
          if (typeof mapper !== "function") return apply(flatMap, this, arguments);
          return apply(flatMap, this, [function (value, index, array) {
            var mapped = apply(mapper, thisArg, [value, index, array]);
            if (isArray(mapped)) checkLength(mapped, "Array.prototype.flatMap");
            return mapped;
          }]);
        },
      }).flatMap,
    });
    if (typeof Iterator === "function" && typeof Iterator.prototype.drop === "function") {
      replaceMethod(Iterator.prototype, "drop", function (receiver, args) {
        if (typeof args[0] !== "symbol" && Number(args[0]) > MAX_NATIVE_LOOP_LENGTH) throw tooLarge("Iterator.prototype.drop", args[0]);
      });
    }
  }

  // Frozen prototypes would make plain assignments like this.name = "MyError" in an Error
  // subclass, or counts[word] = 1 for word "constructor", throw ("override mistake"). These
  // accessors let such assignments create an own property instead, as they would unfrozen.
  function makeOverridable(object, name) {
    var descriptor = getOwnPropertyDescriptor(object, name);
    if (!descriptor || !("value" in descriptor) || !descriptor.configurable) return;
    var value = descriptor.value;
    defineProperty(object, name, {
      get: function () { return value; },
      set: function (newValue) {
        if (this === object) throw new TypeError("Cannot assign to read only property '" + String(name) + "' of a built-in prototype");
        defineProperty(this, name, { value: newValue, writable: true, enumerable: true, configurable: true });
      },
      enumerable: descriptor.enumerable,
      configurable: false,
    });
  }

  function allowOverridingBuiltins() {
    Reflect.ownKeys(Object.prototype).forEach(function (name) { makeOverridable(Object.prototype, name); });
    ["constructor", "toString"].forEach(function (name) { makeOverridable(Function.prototype, name); });
    [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, AggregateError]
      .concat(typeof InternalError === "function" ? [InternalError] : [])
      .forEach(function (ErrorClass) {
        ["constructor", "name", "message", "toString"].forEach(function (name) { makeOverridable(ErrorClass.prototype, name); });
      });
  }

  // Freezes everything reachable from the global object, plus the intrinsics only reachable
  // through syntax (generator and async function prototypes, iterator prototypes, ...).
  function freezeIntrinsics() {
    var roots = [
      global,
      function* () {}, async function () {}, async function* () {}, (async function* () {})(),
      [][Symbol.iterator](), new Map()[Symbol.iterator](), new Set()[Symbol.iterator](), ""[Symbol.iterator](),
      /x/[Symbol.matchAll](""), (function () { return arguments; })(),
    ];
    if (typeof Iterator === "function") {
      roots.push(Iterator.from({ next: function () { return { done: true }; } }), [].values().map(function (x) { return x; }));
    }
    var seen = new Set();
    var pending = roots;
    while (pending.length > 0) {
      var value = pending.pop();
      if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) continue;
      seen.add(value);
      pending.push(getPrototypeOf(value));
      Reflect.ownKeys(value).forEach(function (key) {
        var descriptor = getOwnPropertyDescriptor(value, key);
        pending.push(descriptor.value, descriptor.get, descriptor.set);
      });
    }
    seen.forEach(function (value) { Object.freeze(value); });
  }

  // ---- loading the user's code ---------------------------------------------------------------

  var candidates = []; // distinct functions found by load(); the host picks one by index
  var formatter;
  var settled; // the encoded outcome of an async result, once it has settled

  function requireStub(specifier) {
    throw new Error("cannot load \"" + String(specifier) + "\": formatting functions run in a sandbox without modules (no import or require)");
  }

  function isClass(fn) {
    var source = apply(functionToString, fn, []);
    return source.slice(0, 5) === "class" && !/[\w$]/.test(source.charAt(5));
  }

  // After the user's code: a function that looks up the candidate names in its scope. It is a
  // var declaration on purpose: declarations leave the code's completion value (used for a lone
  // "(sample) => ...") untouched.
  function probeFor(candidateNames) {
    var entries = candidateNames.map(function (name) {
      return JSON.stringify(name) + ": typeof " + name + " === 'function' ? " + name + " : undefined";
    });
    return "\n;var __sandbox_probe__ = __sandbox_register__(function () { return { " + entries.join(", ") + " }; });\n";
  }

  // candidateNamesJson: identifiers that may be top-level declarations (a textual guess).
  // Returns JSON: { functions: [{ name, origin: "default" | "export" | "completion" | "declaration", id }] }
  // or { syntaxError } when QuickJS cannot parse what esbuild accepted (e.g. "with" in strict mode).
  function load(code, candidateNamesJson) {
    var probe, begun = false, completion;
    var module = { exports: {} };
    var begin = function () { begun = true; };
    var register = function (fn) { probe = fn; };
    try {
      completion = evaluateUserCode(module, module.exports, requireStub, begin, register,
        "__sandbox_begin__();" + code + probeFor(JSON.parse(candidateNamesJson)));
    } catch (error) {
      // Before begin() ran, an error can only come from parsing; later ones are the code's own.
      if (!begun && error instanceof SyntaxError) return JSON.stringify({ syntaxError: describeThrown(error) });
      throw error;
    }
    var entries = [];
    candidates = [];
    function add(name, origin, value) {
      if (typeof value !== "function" || value === requireStub || isClass(value)) return;
      var id = candidates.indexOf(value);
      if (id < 0) id = candidates.push(value) - 1;
      entries.push({ name: name, origin: origin, id: id });
    }
    var exported = module.exports;
    if (typeof exported === "function") add("default", "default", exported);
    else if (exported !== null && typeof exported === "object") {
      Object.keys(exported).forEach(function (key) { add(key, key === "default" ? "default" : "export", exported[key]); });
    }
    add("", "completion", completion);
    var declared = probe ? probe() : {};
    Object.keys(declared).forEach(function (name) {
      // A name that only resolved to a global (e.g. a nested "function escape") is not the user's.
      if (declared[name] !== global[name]) add(name, "declaration", declared[name]);
    });
    return JSON.stringify({ functions: entries });
  }

  function select(id) {
    formatter = candidates[id];
    candidates = [];
  }

  // ---- calling it ------------------------------------------------------------------------------

  // setBatch(samples) hands over a run of decoded samples; call(i) formats the i-th and lets go of it.
  var batch = [];

  function setBatch(samples) {
    if (!isArray(samples)) throw new TypeError("the samples must be an array");
    batch = samples;
  }

  function call(index) {
    var sample = batch[index], result;
    batch[index] = undefined;
    try {
      result = formatter(sample);
      if (result instanceof NativePromise) return awaitResult(result);
    } catch (error) {
      return reportThrown(error);
    }
    // The common case, a string, goes back as itself: no JSON to write here and parse on the host.
    if (typeof result === "string" && apply(regexpExec, NOT_RAW, [result]) === null) return RAW_STRING + result;
    return encodeResult(result);
  }

  function awaitResult(promise) {
    settled = undefined;
    apply(promiseThen, promise, [
      function (value) { settled = encodeResult(value); },
      function (error) { settled = reportThrown(error); },
    ]);
    return PENDING;
  }

  function settle() {
    var outcome = settled;
    settled = undefined;
    if (outcome !== undefined) return outcome;
    return report("invalid-return", "a Promise that never settled (nothing can be awaited in the sandbox: there are no timers, files or network)");
  }

  function isIterator(value) {
    return value !== null && typeof value === "object" && !isArray(value) &&
      typeof value.next === "function" && typeof value[Symbol.iterator] === "function";
  }

  function encodeResult(result) {
    try {
      if (isIterator(result)) {
        var items = [];
        for (var item of result) items.push(item);
        return encode({ kind: "generator", items: items }, items);
      }
    } catch (error) {
      return reportThrown(error);
    }
    return encode({ kind: "value", value: result }, undefined);
  }

  // ---- results as JSON -------------------------------------------------------------------------

  function NotJson(what, holder, key) {
    this.what = what;
    this.holder = holder;
    this.key = key;
  }

  var NON_JSON_OBJECTS = new Map([
    [Map.prototype, "a Map (convert it with Object.fromEntries(map))"],
    [Set.prototype, "a Set (convert it with Array.from(set))"],
    [WeakMap.prototype, "a WeakMap"],
    [WeakSet.prototype, "a WeakSet"],
    [Promise.prototype, "a Promise (async results are only awaited at the top level)"],
    [RegExp.prototype, "a RegExp"],
  ]);

  var envelope, generatorItems; // what is being encoded, so the replacer can say where a bad value is
  var depths = new Map(); // object or array being encoded -> its nesting depth

  function toJsonValue(key, value) {
    switch (typeof value) {
      case "undefined": return null;
      case "function": throw new NotJson("a function", this, key);
      case "symbol": throw new NotJson("a Symbol", this, key);
      case "bigint": throw new NotJson("a BigInt (convert it with Number(x) or String(x))", this, key);
      case "object":
        if (value === null) return value;
        if (!isArray(value)) {
          var known = NON_JSON_OBJECTS.get(getPrototypeOf(value));
          if (known !== undefined) throw new NotJson(known, this, key);
          if (typeof value.next === "function") throw new NotJson("an iterator or generator (only the function's own result may be one)", this, key);
        }
        var depth = (depths.get(this) || 0) + 1;
        if (depth > MAX_RESULT_DEPTH) throw new NotJson("a value nested more than " + MAX_RESULT_DEPTH + " levels deep", this, key);
        depths.set(value, depth);
    }
    return value;
  }

  function where(holder, key) {
    if (holder === envelope) return "";
    if (holder === generatorItems) return " (yielded item " + key + ")";
    return isArray(holder) ? " at index " + key : " at key " + JSON.stringify(key);
  }

  function encode(value, items) {
    envelope = value;
    generatorItems = items;
    try {
      return JSON.stringify(value, toJsonValue);
    } catch (error) {
      if (error instanceof NotJson) return report("invalid-return", error.what + where(error.holder, error.key));
      if (error instanceof TypeError && /circular/i.test(String(error.message))) return report("invalid-return", "a value that contains a circular reference");
      return reportThrown(error); // out of memory, or a toJSON method or getter that threw
    } finally {
      envelope = generatorItems = undefined;
      depths.clear();
    }
  }

  // ---- errors ----------------------------------------------------------------------------------

  function report(errorKind, detail) {
    return JSON.stringify({ kind: "error", errorKind: errorKind, detail: detail });
  }

  function reportThrown(error) {
    var detail = describeThrown(error);
    var limit = RESOURCE_LIMIT_MESSAGES.some(function (message) { return detail.indexOf(message) >= 0; });
    return report(limit && error instanceof Error ? "memory" : "throw", detail);
  }

  function describeThrown(error) {
    try {
      if (error instanceof Error) {
        var name = String(error.name), message = String(error.message);
        return message === "" ? name : name + ": " + message;
      }
      if (error !== null && typeof error === "object") {
        var json = JSON.stringify(error);
        if (json !== undefined) return json.length > 500 ? json.slice(0, 500) + "…" : json;
      }
      return String(error);
    } catch (describing) {
      return "a value that cannot be described";
    }
  }

  return Object.freeze({ load: load, select: select, setBatch: setBatch, call: call, settle: settle });
})(function (module, exports, require, __sandbox_begin__, __sandbox_register__, __sandbox_code__) {
  "use strict";
  return eval(__sandbox_code__);
})
`;
