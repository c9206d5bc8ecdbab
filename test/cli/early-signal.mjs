// Preload for a test (NODE_OPTIONS=--import): sends SIGINT to this process as soon as the CLI
// starts its work (when it first listens for stdout errors, before it loads the rest of itself and
// reads the command line).
const on = process.stdout.on.bind(process.stdout);
let sent = false;
process.stdout.on = function (event, listener) {
  const result = on(event, listener);
  if (event === 'error' && !sent) {
    sent = true;
    setImmediate(() => process.kill(process.pid, 'SIGINT'));
  }
  return result;
};
