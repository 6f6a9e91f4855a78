// The demo page: pick a series (a dropped or chosen CSV, or the bundled S&P 500 closes), then a
// worker fine-tunes kairos-base-tiny with LoRA on it while the page draws the loss curve and
// tokens/s; the forecast of the held-out last `horizon` values is drawn beside the actuals, and
// the adapter downloads as a zip of its PEFT directory.
import { availableBackends } from "./available-backends";
import { type CsvTable, parseCsv } from "./csv";
import { drawForecastChart } from "./forecast-chart";
import { drawLossChart } from "./loss-chart";
import type { BackendChoice, StartMessage, WorkerMessage } from "./protocol";
import { zipStored } from "./zip";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);
const select = (id: string) => $<HTMLSelectElement>(id);
const svg = (id: string) => document.getElementById(id) as unknown as SVGSVGElement;

/** What the page shows, also read by the browser test (`window.kairosDemo`). */
const demo = {
  state: "loading" as "loading" | "ready" | "training" | "forecasting" | "done" | "error",
  backend: "",
  available: [] as string[],
  losses: [] as number[],
  tokensPerSecond: 0,
  probeBefore: Number.NaN,
  probeAfter: Number.NaN,
  forecastDrawn: false,
  /** Longest gap between the page's 50 ms ticks while the worker ran. */
  maxStallMs: 0,
  error: "",
};
(window as unknown as { kairosDemo: typeof demo }).kairosDemo = demo;

let table: CsvTable | null = null;
let adapterZip: Uint8Array | null = null;
let worker: Worker | null = null;

function setState(state: typeof demo.state, status: string): void {
  demo.state = state;
  document.body.dataset.state = state;
  $("status").textContent = status;
  $<HTMLButtonElement>("train").disabled =
    table === null || state === "training" || state === "forecasting";
}

function loadTable(text: string, source: string): void {
  table = parseCsv(text);
  const columns = [...table.numeric.keys()];
  select("column").replaceChildren(...columns.map((c) => new Option(c, c)));
  select("column").value = columns.includes("close") ? "close" : columns[columns.length - 1];
  $("source").textContent =
    `${source}: ${table.labels.length} rows, numeric columns ${columns.join(", ")}`;
  setState("ready", "Ready: choose column, horizon and rank, then fine-tune.");
}

async function loadBundled(): Promise<void> {
  const response = await fetch(new URL("data/sp500-2000.csv", document.baseURI));
  if (!response.ok) throw new Error(`fetching the bundled CSV: HTTP ${response.status}`);
  loadTable(await response.text(), "S&P 500 daily closes since 2000 (bundled)");
}

function readFile(file: File): void {
  file
    .text()
    .then((text) => loadTable(text, file.name))
    .catch((error: Error) => setState("error", `Could not read ${file.name}: ${error.message}`));
}

/** Watches the page's own thread: a 50 ms interval that fires late means the page stalled. */
function watchStalls(): () => void {
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    demo.maxStallMs = Math.max(demo.maxStallMs, now - last - 50);
    $("stall").textContent = `${demo.maxStallMs.toFixed(0)} ms`;
    last = now;
  }, 50);
  return () => clearInterval(timer);
}

function start(): void {
  if (!table) return;
  const column = select("column").value;
  const all = table.numeric.get(column) as Float64Array;
  const horizon = Number(input("horizon").value);
  const keep = Math.min(all.length, Number(input("history").value) + horizon);
  const values = all.subarray(all.length - keep);
  const labels = table.labels.slice(table.labels.length - keep);
  const series = values.slice(0, values.length - horizon);
  const actuals = values.slice(values.length - horizon);
  const steps = Number(input("steps").value);
  const message: StartMessage = {
    type: "start",
    series,
    context: series,
    horizon,
    rank: Number(select("rank").value),
    steps,
    batchSize: Number(input("batch").value),
    lr: 5e-3,
    samples: Number(input("samples").value),
    backend: select("backend").value as BackendChoice,
    modelUrl: new URL("models/kairos-base-tiny/", document.baseURI).href,
    seed: 1,
  };
  Object.assign(demo, { losses: [], forecastDrawn: false, maxStallMs: 0, error: "" });
  adapterZip = null;
  $<HTMLButtonElement>("download").disabled = true;
  svg("forecast-chart").replaceChildren();
  drawLossChart(svg("loss-chart"), [], steps);
  worker?.terminate();
  worker = new Worker(new URL("./train-worker.ts", import.meta.url), { type: "module" });
  const stopWatching = watchStalls();
  const shown = Math.min(series.length, Math.max(64, 3 * horizon));
  worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
    const m = event.data;
    if (m.type === "backend") {
      demo.backend = m.name;
      $("backend-name").textContent = m.name;
      setState(
        "training",
        `Fine-tuning ${m.parameters.toLocaleString()} frozen parameters' LoRA adapters on ${m.name}…`,
      );
    } else if (m.type === "step") {
      demo.losses.push(m.loss);
      $("step").textContent = `${m.step} / ${m.steps}`;
      $("loss").textContent = m.loss.toFixed(4);
      if (m.tokensPerSecond > 0) $("tokens-per-second").textContent = m.tokensPerSecond.toFixed(0);
      drawLossChart(svg("loss-chart"), demo.losses, m.steps);
    } else if (m.type === "trained") {
      demo.tokensPerSecond = m.tokensPerSecond;
      demo.probeBefore = m.probeBefore;
      demo.probeAfter = m.probeAfter;
      $("probe").textContent = `${m.probeBefore.toFixed(3)} → ${m.probeAfter.toFixed(3)}`;
      setState(
        "forecasting",
        `Trained in ${m.seconds.toFixed(1)} s; sampling ${message.samples} forecast paths…`,
      );
    } else if (m.type === "forecast") {
      drawForecastChart(svg("forecast-chart"), {
        history: series.subarray(series.length - shown),
        actuals,
        median: m.median,
        levels: m.levels,
        quantiles: m.quantiles,
        firstLabel: labels[labels.length - horizon - shown] ?? "",
        lastLabel: labels[labels.length - 1] ?? "",
      });
      demo.forecastDrawn = true;
    } else if (m.type === "adapter") {
      adapterZip = zipStored({
        "adapter_model.safetensors": m.safetensors,
        "adapter_config.json": m.config,
      });
      $<HTMLButtonElement>("download").disabled = false;
      stopWatching();
      setState(
        "done",
        `Done on ${demo.backend}: forecast drawn; the adapter is ready to download.`,
      );
    } else if (m.type === "error") {
      stopWatching();
      demo.error = m.message;
      setState("error", `Error: ${m.message}`);
    }
  };
  worker.postMessage(message);
}

function download(): void {
  if (!adapterZip) return;
  const url = URL.createObjectURL(new Blob([adapterZip as BlobPart], { type: "application/zip" }));
  const a = Object.assign(document.createElement("a"), {
    href: url,
    download: "kairos-adapter.zip",
  });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const drop = $("drop");
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const file = e.dataTransfer?.files[0];
  if (file) readFile(file);
});
input("file").addEventListener("change", () => {
  const file = input("file").files?.[0];
  if (file) readFile(file);
});
$("bundled").addEventListener("click", () => {
  loadBundled().catch((error: Error) => setState("error", error.message));
});
$("train").addEventListener("click", start);
$("download").addEventListener("click", download);

availableBackends().then((found) => {
  demo.available = found;
  $("available").textContent = found.join(", ") || "none";
});
loadBundled().catch((error: Error) => setState("error", error.message));
