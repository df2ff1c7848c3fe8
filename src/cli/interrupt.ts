// Ctrl-C: the first SIGINT aborts the running operation cleanly (it stops, stages or commits nothing, and
// the CLI exits 130); a second one exits at once. The store stays as it was either way, because nothing
// becomes visible before its final atomic step.
const controller = new AbortController();
let installed = false;

export function interruptSignal(): AbortSignal {
  if (!installed) {
    installed = true;
    process.on('SIGINT', () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    });
  }
  return controller.signal;
}
