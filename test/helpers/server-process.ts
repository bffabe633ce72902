/**
 * The `cloudbox` command as a child process, run from source with tsx (no build step needed):
 * for tests of the CLI itself and of durability across `kill -9`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = join(ROOT, "src/cli/main.ts");

/** Spawns `cloudbox <args>` with piped output. */
export const spawnCloudbox = (args: string[], env: Record<string, string> = {}): ChildProcess =>
  spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });

export interface ServerProcess {
  child: ChildProcess;
  endpoint: string;
  /** Everything it printed so far, stdout then stderr. */
  output: () => string;
}

/** Resolves once a started `cloudbox start` prints its endpoint; rejects if it exits first or stays silent 30 s. */
export const waitForListening = (child: ChildProcess): Promise<{ endpoint: string; output: () => string }> =>
  new Promise((resolvePromise, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`cloudbox start printed nothing in time:\n${out}\n${err}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => (err += d));
    child.stdout!.on("data", (d: Buffer) => {
      out += d;
      const m = /Cloudbox listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ endpoint: m[1], output: () => out + err });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`cloudbox start exited with ${code}:\n${out}\n${err}`));
    });
  });

/** Starts `cloudbox start --port 0 --log-level info <args>`; resolves once it prints its endpoint. */
export const startServer = async (args: string[], spawnChild: (args: string[]) => ChildProcess = spawnCloudbox): Promise<ServerProcess> => {
  const child = spawnChild(["start", "--port", "0", "--log-level", "info", ...args]);
  return { child, ...(await waitForListening(child)) };
};

/** Sends `signal` (SIGKILL for a crash) and resolves when the process has exited. */
export const stopServer = (child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> =>
  new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    child.removeAllListeners("exit");
    child.on("exit", () => resolvePromise());
    child.kill(signal);
  });
