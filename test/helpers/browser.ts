/**
 * A real browser for tests: Debian's chromium (/usr/bin/chromium, installed by
 * scripts/ci-install-browser.sh) driven by playwright-core, which downloads nothing. Where no browser
 * can be had, `openBrowser` says why, and the tests using it are skipped with that reason printed.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.TMAD_CHROMIUM ?? "/usr/bin/chromium";

/** Screenshots and other files a person may want to look at after a run (gitignored). */
export const ARTIFACTS = join(process.cwd(), "test-artifacts");

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export type BrowserOrReason = { readonly ok: true; readonly browser: Browser } | { readonly ok: false; readonly reason: string };

/** Launches chromium with a fresh profile (playwright gives each launch its own --user-data-dir). */
export async function openBrowser(): Promise<BrowserOrReason> {
  if (!existsSync(CHROMIUM)) return { ok: false, reason: `no browser at ${CHROMIUM} (install Debian's chromium: scripts/ci-install-browser.sh)` };
  try {
    return { ok: true, browser: await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 }) };
  } catch (e) {
    return { ok: false, reason: `chromium at ${CHROMIUM} did not start: ${(e as Error).message.split("\n")[0]}` };
  }
}

export function artifactPath(...parts: string[]): string {
  const path = join(ARTIFACTS, ...parts);
  mkdirSync(join(path, ".."), { recursive: true });
  return path;
}
