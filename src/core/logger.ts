/** A minimal leveled logger; the gateway writes one line per request through it. */
export type LogLevel = "silent" | "error" | "warn" | "info" | "debug";

const rank: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export interface Logger {
  level: LogLevel;
  error(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  info(msg: string, extra?: unknown): void;
  debug(msg: string, extra?: unknown): void;
}

export const createLogger = (level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l + "\n")): Logger => {
  const at = (lvl: LogLevel) => (msg: string, extra?: unknown) => {
    if (rank[lvl] > rank[logger.level]) return;
    const tail = extra === undefined ? "" : " " + (extra instanceof Error ? extra.stack ?? extra.message : JSON.stringify(extra));
    write(`${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${msg}${tail}`);
  };
  const logger: Logger = { level, error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
  return logger;
};
