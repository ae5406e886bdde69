'use strict';
/**
 * The Lambda runtime loop of one Node.js worker process (started by ``workers``).
 *
 * It loads the function's handler from the asset directory (the working directory) by
 * the template's ``Handler`` string, then answers invocations with the protocol of
 * ``_bootstrap.py``: one JSON line in on stdin (``{"event", "request_id",
 * "deadline_ms", ...}``), one JSON line out on the original stdout (``{"result": ...}``
 * or ``{"error": {"errorType", "errorMessage"}}``). The first line out is
 * ``{"ready": true}``, or the init error. What the function logs or prints goes to
 * stderr in Lambda's text log format, so it can never corrupt the protocol. It exits
 * when stdin closes. A plain CommonJS script with no dependencies (the wheel ships no
 * node_modules); the function's own modules resolve from its asset directory, as in
 * Lambda.
 *
 * Behaviour follows the AWS documentation cited below and, where the documentation is
 * silent, the open-source runtime Lambda uses
 * (https://github.com/aws/aws-lambda-nodejs-runtime-interface-client, src/).
 */

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const util = require('util');
const { pathToFileURL } = require('url');

const PROTOCOL_FD = 1;
const stderr = process.stderr;

// From here on process.stdout is stderr, so console.dir, loggers that write to
// process.stdout and a function's own process.stdout.write all become log lines. Only
// send() writes to fd 1. Swapped before anything can touch the real stream (Node
// creates it lazily on first access).
Object.defineProperty(process, 'stdout', {
  configurable: true,
  enumerable: true,
  get: () => stderr,
});

// Where Lambda's runtime keeps the current request id: a global symbol, readable by any
// library that looks for it.
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');

/**
 * Lambda's text log line: "<ISO time>\t<request id>\t<LEVEL>\t<util.format(...)>".
 * Before the first invocation the request id prints as "undefined", as in Lambda's
 * init-phase logs. Lambda turns newlines inside a message into "\r" so that the
 * message stays one CloudWatch event; the emulator relays stderr line by line and
 * reads "\r" as a line end too, so the newlines are kept.
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html
 */
function writeLog(level, args) {
  const time = new Date().toISOString();
  stderr.write(`${time}\t${global[REQUEST_ID]}\t${level}\t${util.format(...args)}\n`);
}

// console.log is INFO, as in Lambda; console.trace logs its message only (no stack).
for (const [method, level] of [
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['debug', 'DEBUG'],
  ['trace', 'TRACE'],
  ['fatal', 'FATAL'],
]) {
  console[method] = (...args) => writeLog(level, args);
}

/** Runtime errors named as Lambda names them (Runtime.ImportModuleError...). */
function runtimeError(name, message) {
  const error = new Error(message);
  // Not enumerable, like a class's name: the logged JSON then lists it once.
  Object.defineProperty(error, 'name', { value: `Runtime.${name}`, enumerable: false });
  return error;
}

function looksLikeError(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof value.name === 'string' &&
    typeof value.message === 'string' &&
    typeof value.stack === 'string'
  );
}

/**
 * The protocol's error: an Error gives its name and message, anything else thrown
 * (a string, a number) gives its typeof and its string, as Lambda reports them.
 */
function describeError(error) {
  try {
    if (util.types.isNativeError(error) || looksLikeError(error)) {
      return { errorType: error.name, errorMessage: error.message };
    }
    return { errorType: typeof error, errorMessage: String(error) };
  } catch (_unreadable) {
    return { errorType: 'handled', errorMessage: 'the error could not be read' };
  }
}

/**
 * Log an error as Lambda does: "<label> \t{"errorType", "errorMessage", "stack": [...]}"
 * at ERROR level, the stack trace being the JSON's "stack" lines.
 */
function logError(label, error) {
  const isError = util.types.isNativeError(error) || looksLikeError(error);
  const shown = isError ? error : new Error(error);
  let details;
  try {
    details = JSON.stringify({
      errorType: shown.name,
      errorMessage: shown.message,
      code: shown.code,
      ...shown,
      stack: String(shown.stack).split('\n'),
    });
  } catch (_circular) {
    details = JSON.stringify(describeError(shown));
  }
  console.error(label, '\t' + details);
}

/** Write one protocol line on the original stdout, whole, whatever its size. */
function send(line) {
  const bytes = Buffer.from(line + '\n', 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(PROTOCOL_FD, bytes, offset);
    } catch (error) {
      // A full pipe on a non-blocking fd: the emulator's reader thread will drain it.
      if (error.code !== 'EAGAIN') throw error;
    }
  }
}

function errorLine(error) {
  return JSON.stringify({ error: describeError(error) });
}

/**
 * The result line. undefined becomes null, as Lambda sends it; a result JSON cannot
 * encode (a cycle, a BigInt) fails the invocation with Lambda's message.
 */
function resultLine(result) {
  let body;
  try {
    body = JSON.stringify(result === undefined ? null : result);
  } catch (_unencodable) {
    return null;
  }
  // A function or a symbol stringifies to undefined: nothing to send but null.
  return `{"result":${body === undefined ? 'null' : body}}`;
}

// ---------------------------------------------------------------------------------
// Loading the handler.
// https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html ("Handler naming
// conventions", "CommonJS and ES Modules"): the handler is FILE.EXPORT, FILE relative
// to the task root with its extension left off; .mjs is an ES module, .cjs CommonJS,
// and .js follows the nearest package.json's "type".
// ---------------------------------------------------------------------------------

/** Whether .js files in ``folder`` are ES modules: the nearest package.json says so. */
function isModuleFolder(folder) {
  // Like Lambda's runtime, the search stops at a node_modules folder.
  for (let current = folder; !current.endsWith(`${path.sep}node_modules`); ) {
    const manifest = path.join(current, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module';
      } catch (_unreadable) {
        return false;
      }
    }
    const parent = path.dirname(current);
    if (parent === current) return false;
    current = parent;
  }
  return false;
}

function requireIfExists(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function importIfExists(file) {
  return fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

/** Load the module: extensionless, then .js (CommonJS or ESM), .mjs, .cjs, as Lambda. */
async function loadModule(taskRoot, moduleRoot, moduleName) {
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  const esm = isModuleFolder(path.dirname(base));
  const loaded =
    requireIfExists(base) ||
    (!esm && requireIfExists(`${base}.js`)) ||
    (esm && (await importIfExists(`${base}.js`))) ||
    (await importIfExists(`${base}.mjs`)) ||
    requireIfExists(`${base}.cjs`);
  if (loaded) return loaded;
  // Last, Node's own resolution (a package in node_modules, a folder with index.js).
  const paths = [taskRoot, path.resolve(taskRoot, moduleRoot)];
  return require(require.resolve(moduleName, { paths }));
}

/** The handler function named by ``handlerString``, or a Runtime.* init error. */
async function loadHandler(taskRoot, handlerString) {
  if (handlerString.includes('..')) {
    throw runtimeError('MalformedHandlerName', `'${handlerString}' is not a valid handler name.`);
  }
  // "src/app.handler": folder "src/", module "app", export "handler". The export may be
  // nested ("index.api.handler" is exports.api.handler).
  const moduleAndExport = path.basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.length - moduleAndExport.length);
  const match = /^([^.]*)\.(.*)$/.exec(moduleAndExport);
  if (!match) throw runtimeError('MalformedHandlerName', 'Bad handler');
  const [, moduleName, exportPath] = match;

  let loaded;
  try {
    loaded = await loadModule(taskRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw runtimeError('UserCodeSyntaxError', String(error));
    }
    if (error && error.code === 'MODULE_NOT_FOUND') {
      throw runtimeError('ImportModuleError', String(error));
    }
    throw error;
  }
  const handler = exportPath.split('.').reduce((value, key) => value && value[key], loaded);
  if (!handler) {
    throw runtimeError('HandlerNotFound', `${handlerString} is undefined or not exported`);
  }
  if (typeof handler !== 'function') {
    throw runtimeError('HandlerNotFound', `${handlerString} is not a function`);
  }
  return handler;
}

// ---------------------------------------------------------------------------------
// Invoking it.
// ---------------------------------------------------------------------------------

/** The invocation in flight, so that an uncaught exception can fail it. */
let inFlight = null;

/**
 * The context object.
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html
 * memoryLimitInMB is a string, as Lambda reads it from the environment.
 */
function makeContext(request, completions) {
  let waitsForEmptyEventLoop = true;
  return {
    // Readable and settable, but not honoured: in Lambda, true holds a callback's
    // answer until the event loop is empty, and this worker's loop never empties (it
    // waits on stdin), so the answer goes at the callback either way.
    get callbackWaitsForEmptyEventLoop() {
      return waitsForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitsForEmptyEventLoop = value;
    },
    succeed: (result) => completions.succeed(result),
    fail: (error) => completions.fail(error === undefined || error === null ? 'handled' : error),
    done: (error, result) => completions.callback(error, result),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: request.function_arn || '',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: request.request_id,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, request.deadline_ms - Date.now()),
  };
}

/**
 * Run the handler once and send its one reply line. Resolves when the reply is sent.
 *
 * The handler may return a promise (async), call the callback, or call the legacy
 * context.succeed/fail/done; the first of these to finish is the reply and the rest
 * are ignored, as in Lambda
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html, "Valid handler
 * patterns for Node.js functions").
 */
function invoke(handler, request) {
  return new Promise((resolve) => {
    let finished = false;
    const finish = (line) => {
      if (finished) return;
      finished = true;
      inFlight = null;
      send(line);
      resolve();
    };
    const fail = (error) => {
      logError('Invoke Error', error);
      finish(errorLine(error));
    };
    const succeed = (result) => {
      const line = resultLine(result);
      if (line === null) fail(new Error('Unable to stringify response body'));
      else finish(line);
    };
    const callback = (error, result) =>
      error === undefined || error === null ? succeed(result) : fail(error);
    inFlight = { finish };

    global[REQUEST_ID] = request.request_id;
    let returned;
    try {
      const context = makeContext(request, { succeed, fail, callback });
      returned = handler(request.event, context, callback);
    } catch (error) {
      callback(error);
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then(succeed, fail);
    } else if (handler.length < 3) {
      // Neither a promise nor a callback parameter: Lambda ignores the return value
      // and answers null once the event loop is empty. This worker's event loop never
      // empties (it waits on stdin), so null comes after pending ticks and promise
      // jobs have had their turn, in case they call context.succeed.
      setImmediate(() => succeed(null));
    }
    // Otherwise the handler takes a callback: wait for it (until the timeout).
  });
}

/**
 * Lambda fails the invocation in flight with an uncaught exception or an unhandled
 * rejection, then ends the sandbox. Between invocations the worker ends too: in Lambda
 * such leftover work runs when the frozen sandbox thaws for the next invocation, which
 * it then fails; here the next invocation finds the worker gone and fails, and the
 * pool starts a fresh one after it.
 */
function crash(label, error, exitCode) {
  logError(label, error);
  if (inFlight) inFlight.finish(errorLine(error));
  process.exit(exitCode);
}

async function main() {
  // Ctrl-C reaches the whole process group; the emulator owns this worker's lifetime
  // and ends it by closing stdin.
  process.on('SIGINT', () => {});
  process.on('uncaughtException', (error) => crash('Uncaught Exception', error, 129));
  process.on('unhandledRejection', (reason) => {
    const message = String(reason && reason.stack ? reason.stack : reason);
    crash('Unhandled Promise Rejection', runtimeError('UnhandledPromiseRejection', message), 128);
  });

  let handler;
  try {
    handler = await loadHandler(process.cwd(), process.argv[2] || '');
  } catch (error) {
    logError('Uncaught Exception', error);
    send(errorLine(error));
    process.exit(129);
  }
  send(JSON.stringify({ ready: true }));

  const requests = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of requests) {
    if (line.trim()) await invoke(handler, JSON.parse(line));
  }
  // Timers or sockets the function left open must not keep a retired worker alive.
  process.exit(0);
}

main();
