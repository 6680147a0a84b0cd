/**
 * The decision explorer in the browser (bundled by `tmad site` with esbuild into one classic
 * script, so it runs from file:// as well as from a web server). Reads the versions from the page,
 * loads a version's generated evaluator (its own script) the first time it is used, evaluates the
 * records pasted or opened, and shows each decision with its explanation. Nothing is sent anywhere:
 * the page's Content-Security-Policy forbids it, and there is no code that would.
 */
import { selectVersion, type VersionEntry, type VersionModule } from "../../runtime/index.js";
import { explanationHtml } from "../explanation.js";
import { esc } from "../html.js";
import type { ExplorerVersion } from "../pages/home-page.js";
import { evaluateText, summaryOf } from "./records.js";

/** Each version's script registers its module here. */
type Registry = Record<string, VersionModule<any, any> | undefined>;
const registry = (): Registry => ((globalThis as unknown as { tmadVersions?: Registry }).tmadVersions ??= {});

/** The most records shown one by one; the summary counts them all. */
const SHOWN = 500;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the explorer page lacks #${id}`);
  return el as T;
}

const entries = JSON.parse(byId("tmad-versions").textContent ?? "[]") as ExplorerVersion[];
const loading = new Map<string, Promise<VersionModule<any, any>>>();

function load(e: ExplorerVersion): Promise<VersionModule<any, any>> {
  let p = loading.get(e.id);
  if (p === undefined) {
    p = new Promise((resolve, reject) => {
      const have = registry()[e.id];
      if (have !== undefined) return resolve(have);
      const script = document.createElement("script");
      script.src = e.script;
      script.onload = () => {
        const m = registry()[e.id];
        if (m === undefined) reject(new Error(`${e.script} did not define ${e.id}`));
        else resolve(m);
      };
      script.onerror = () => reject(new Error(`could not load ${e.script}`));
      document.head.appendChild(script);
    });
    loading.set(e.id, p);
    p.catch(() => loading.delete(e.id));
  }
  return p;
}

const form = byId<HTMLFormElement>("explorer");
const records = byId<HTMLTextAreaElement>("records");
const file = byId<HTMLInputElement>("file");
const versionSelect = byId<HTMLSelectElement>("version");
const asOfInput = byId<HTMLInputElement>("as-of");
const byVersion = byId<HTMLInputElement>("by-version");
const byDate = byId<HTMLInputElement>("by-date");
const status = byId<HTMLParagraphElement>("status");
const results = byId<HTMLElement>("results");
const summary = byId<HTMLParagraphElement>("summary");
const decisions = byId<HTMLDivElement>("decisions");

const registryEntries: VersionEntry[] = entries.map((e) => ({
  id: e.id,
  version: e.version,
  status: e.status,
  published: e.published,
  ...(e.effectiveFrom === undefined ? {} : { effectiveFrom: e.effectiveFrom }),
  load: () => load(e),
}));

let runs = 0;

async function run(): Promise<void> {
  const run = ++runs;
  const text = records.value;
  if (text.trim() === "") {
    status.textContent = "Paste records or open a file first.";
    return;
  }
  let entry: VersionEntry;
  const asOf = byDate.checked ? asOfInput.value : null;
  try {
    entry = selectVersion(registryEntries, asOf === null ? { version: versionSelect.value } : { asOf });
  } catch (e) {
    status.textContent = asOf === "" ? "Choose a date." : (e as Error).message;
    return;
  }
  status.textContent = `Evaluating with ${entry.version}…`;
  let version: VersionModule<any, any>;
  try {
    version = await entry.load();
  } catch (e) {
    status.textContent = (e as Error).message;
    return;
  }
  if (run !== runs) return; // a newer run started while this version loaded
  const outcomes = evaluateText(version, text, asOf);
  const page = entries.find((e) => e.id === entry.id)!.page;
  const shown = outcomes.slice(0, SHOWN);
  const m = version.manifest;
  summary.innerHTML = `${esc(m.document)} ${esc(m.version)}${asOf === null ? "" : ` (in force on ${esc(asOf)})`}: ${esc(summaryOf(outcomes))}.${outcomes.length > SHOWN ? ` The first ${SHOWN} are shown.` : ""}`;
  decisions.innerHTML = shown.map((o) => explanationHtml(version, o.outcome, o.record, page)).join("\n");
  results.hidden = false;
  results.dataset.version = entry.id;
  status.textContent = `${outcomes.length} record${outcomes.length === 1 ? "" : "s"} evaluated with ${m.version}.`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void run();
});

// Changing the version (or the date) re-evaluates what is already shown.
for (const el of [versionSelect, asOfInput, byVersion, byDate]) {
  el.addEventListener("change", () => {
    if (el === versionSelect) byVersion.checked = true;
    if (el === asOfInput) byDate.checked = true;
    if (!results.hidden) void run();
  });
}

file.addEventListener("change", () => {
  const f = file.files?.[0];
  if (f === undefined) return;
  const reader = new FileReader();
  reader.onload = () => {
    records.value = String(reader.result ?? "");
    void run();
  };
  reader.onerror = () => {
    status.textContent = `Could not read ${f.name}.`;
  };
  reader.readAsText(f);
});

status.textContent = `Ready: ${entries.length} version${entries.length === 1 ? "" : "s"} available.`;
