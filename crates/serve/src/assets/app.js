// fundgap serve's page. Every value from a scenario or a result is put in
// as text (textContent, attributes), never as markup. Each what-if control
// becomes `--set` overrides, so the page's result is that of the command
// it shows.
"use strict";

const TOKEN = document.querySelector('meta[name="csrf"]').content;
const CLIENT = Array.from(crypto.getRandomValues(new Uint8Array(8)), b => b.toString(16).padStart(2, "0")).join("");
const $ = id => document.getElementById(id);

const WORDS = {
  en: {
    title: "Funding-gap what-if", scenario: "Scenario", pick: "Choose a scenario",
    upload: "Upload a file (TOML, .xlsx)", whatif: "What-if",
    tooLarge: "the file is larger than 16 MiB, more than any scenario could be",
    grantEnd: "National grant withdrawn from year (nothing paid from then on)",
    grantCut: "Grant cut in every year it pays (%)", feeDelta: "Fee change per use (KRW)",
    cityChange: "Every local budget stream, change (%)", materiality: "Materiality (% of cost)",
    confidence: "Confidence level of the funding requirement", trials: "Trials", seed: "Random seed",
    run: "Run", reset: "Reset", inputs: "Services and funding inputs (editable)", results: "Results",
    summaryCap: "Results by service", entity: "Service", pAny: "P(gap, any year)", pStop: "P(stopped or shrunk)",
    topup: "Top-up a year (start-year prices)", reserve: "Extra opening reserve",
    summaryNote: "P(stopped or shrunk): by the horizon's end, under the stop rule or a take-over decision; for All services, any service. The top-up and the extra reserve would each alone have kept the service gap-free at the confidence level, reckoned as if it ran on as planned (as fundgap run reports them).",
    noCity: "No budget stream states its amount or policy as a plain number here: change them under the inputs below.",
    enMoney: "The English report.xlsx and report.html state money in KRW million, as fundgap run --lang en does.",
    pgapCap: "P(funding gap) by year, portfolio (95% interval)",
    fanCap: "Cost distribution (5-25-50-75-95th percentiles) and mean funding, portfolio",
    command: "The command that gives the same result", downloads: "Downloads",
    dlXlsx: "report.xlsx", dlHtml: "report.html",
    dlToml: "Scenario with your changes written in (listed at its top as --set overrides)",
    compare: "Compare two settings",
    compareNote: "Keep the current result as A, change the setting and see B beside it. With the same seed and trials the two share their random numbers, so the difference is the setting's. Beside it, ± is its 95% range from the two runs' errors (wider than it need be when they share random numbers).",
    notPaired: "A and B differ in seed or trials: their difference includes Monte Carlo noise.",
    stopsHide: names => `${names}: P(gap) fell, but the service stops sooner or more often. A stopped service has no more gaps, so the lower P(gap) comes from stopping it (e.g. an earlier take-over decision), not from better funding.`,
    keepA: "Keep this result as A", clearA: "Stop comparing", compareCap: "A and B", diff: "B − A",
    footer: "This page runs on this computer only and needs no network.",
    asPlanned: "as planned", queued: "Waiting in the queue…", running: "Simulating", done: "Done",
    cancelled: "Cancelled (a newer setting replaced it)", failed: "Error", busy: "The server is busy; trying again…",
    badTrials: "Trials: a whole number from 1 to 1,000,000", badSeed: "Random seed: a whole number, 0 or more",
    precision: (h, n, s, t) => `Each probability within ±${h} points (95%) — ${n} trials, seed ${s}, ${t} s`,
    noGrant: "This scenario has no national grant.", inUnits: u => `amounts in ${u}`,
    portfolio: "All services", year: "year", setA: "A", setB: "B", none: "(no changes)",
    gapA: "A: P(any gap)", gapB: "B: P(any gap)", stopA: "A: P(stopped)", stopB: "B: P(stopped)",
  },
  ko: {
    title: "재원 부족 what-if", scenario: "시나리오", pick: "시나리오 선택",
    upload: "파일 올리기 (TOML, .xlsx)", whatif: "가정 분석 (What-if)",
    tooLarge: "파일이 16 MiB를 넘습니다: 그렇게 큰 시나리오는 없습니다",
    grantEnd: "국비 지원 중단 연도 (그 해부터 지급 없음)",
    grantCut: "국비 삭감 (지급 기간 매년, %)", feeDelta: "이용료 변경 (1회 이용당, 원)",
    cityChange: "지방비 예산 재원 모두 변경 (%)", materiality: "중요성 기준 (비용 대비 %)",
    confidence: "소요 재원 신뢰수준", trials: "시행 횟수", seed: "난수 시드",
    run: "실행", reset: "되돌리기", inputs: "서비스와 재원 입력값 (편집 가능)", results: "결과",
    summaryCap: "서비스별 결과", entity: "서비스", pAny: "부족 확률 (기간 중)", pStop: "중단·축소 확률",
    topup: "연간 추가 예산 (기준연도 가격)", reserve: "추가 적립금",
    summaryNote: "중단·축소 확률: 분석 기간 말까지 중단 규칙이나 지방비 전환 결정으로 중단 또는 축소된 시행의 비율(전체는 어느 서비스든). 추가 예산과 추가 적립금은 각각 그것만으로 신뢰 수준에서 부족을 없앴을 금액이며, 서비스가 계획대로 계속 운영된다고 보고 계산합니다(fundgap run과 같음).",
    noCity: "이 시나리오의 예산 재원은 금액이나 편성 비율이 단일 숫자가 아닙니다. 아래 입력값에서 바꾸세요.",
    enMoney: "",
    pgapCap: "연도별 부족 확률, 전체 (95% 구간)",
    fanCap: "비용 분포 (5-25-50-75-95 백분위)와 평균 재원, 전체",
    command: "같은 결과를 내는 명령", downloads: "내려받기",
    dlXlsx: "report.xlsx", dlHtml: "report.html",
    dlToml: "변경 사항을 반영한 시나리오 (파일 머리에 --set 목록)",
    compare: "두 설정 비교",
    compareNote: "지금 결과를 A로 두고 설정을 바꾸면 B와 나란히 봅니다. 시드와 시행 횟수가 같으면 같은 난수를 쓰므로 차이는 설정의 차이입니다. 차이 옆 ±는 두 결과의 오차로 잡은 95% 범위입니다(같은 난수를 쓰면 실제보다 넓음).",
    notPaired: "A와 B의 시드나 시행 횟수가 달라 차이에 몬테카를로 오차가 섞여 있습니다.",
    stopsHide: names => `${names}: 부족 확률은 낮아졌지만 서비스가 더 일찍 또는 더 자주 중단됩니다. 중단된 서비스에는 더 이상 부족이 생기지 않으므로, 부족 확률이 낮아진 것은 중단 때문이며(예: 지방비 전환 결정이 앞당겨짐) 재원이 나아져서가 아닙니다.`,
    keepA: "지금 결과를 A로", clearA: "비교 끄기", compareCap: "A와 B", diff: "B − A",
    footer: "이 페이지는 이 컴퓨터 안에서만 돌아가며 네트워크가 필요 없습니다.",
    asPlanned: "계획대로", queued: "대기 중…", running: "모의실험 중", done: "완료",
    cancelled: "취소됨 (새 설정으로 바뀜)", failed: "오류", busy: "서버가 바쁩니다. 다시 시도합니다…",
    badTrials: "시행 횟수: 1부터 1,000,000까지의 정수로 쓰세요", badSeed: "난수 시드: 0 이상의 정수로 쓰세요",
    precision: (h, n, s, t) => `각 확률의 정밀도 ±${h}%p (95%) — 시행 ${n}회, 시드 ${s}, ${t}초`,
    noGrant: "이 시나리오에는 국비가 없습니다.", inUnits: u => `금액 단위: ${u}`,
    portfolio: "전체", year: "연도", setA: "A", setB: "B", none: "(변경 없음)",
    gapA: "A: 부족 확률", gapB: "B: 부족 확률", stopA: "A: P(중단)", stopB: "B: P(중단)",
  },
};

let lang = "ko";
let desc = null;       // the scenario's description
let current = null;    // the last finished run
let keptA = null;      // the run kept as A
let pending = null;    // the timer of a run about to start
const t = k => WORDS[lang][k];
// 억 원 to an English reader: the unit Korean budgets are written in.
const unitLabel = u => (lang === "en" && u === "억 원" ? "KRW 100 million (억 원)" : u);

function showNote() {
  if (desc) $("scenario-note").textContent = `${desc.label} · ${desc.start_year}–${desc.end_year} · ${t("inUnits")(unitLabel(desc.money_label))}`;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  $("lang").textContent = lang === "ko" ? "English" : "한국어";
  fillGrantYears();
  fillCityNote();
  showNote();
  if (current) show(current);
  renderCompare();
}

async function api(path, options = {}) {
  const headers = Object.assign({ "X-Fundgap-Token": TOKEN }, options.headers || {});
  const res = await fetch(path, Object.assign({}, options, { headers }));
  const body = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) { const e = new Error(body.error || res.statusText); e.status = res.status; throw e; }
  return body;
}

function setStatus(text) { $("status").textContent = text; }

// Where each scenario on offer came from, by id.
const origins = new Map();

async function loadList(select) {
  const list = await api("/api/scenarios");
  origins.clear();
  for (const s of list) origins.set(s.id, s.origin);
  const sel = $("scenario");
  sel.replaceChildren();
  // A shipped scenario is said to be fundgap's own copy, so that it is
  // never taken for a file of the same name in the user's folder.
  const shipped = lang === "ko" ? "fundgap 내장" : "built into fundgap";
  for (const s of list) {
    const o = document.createElement("option");
    o.value = s.id;
    o.textContent = s.origin === "shipped" ? `${s.name} — ${s.label} (${shipped})` : `${s.name} — ${s.label}`;
    sel.append(o);
  }
  // The page opens on the first file named on the command line, if any.
  const first = list.find(s => s.origin === "file") || list.find(s => s.id === "daejeon-challenge") || list[0];
  sel.value = select || first.id;
  await loadScenario();
}

// A number as a --set value: at most 12 significant digits, no float noise.
const num = x => String(Number(Number(x).toPrecision(12)));

async function loadScenario() {
  desc = await api(`/api/scenarios/${encodeURIComponent($("scenario").value)}`);
  showNote();
  $("seed").value = desc.seed;
  $("materiality").value = desc.materiality_share == null ? "" : num(desc.materiality_share * 100);
  $("grant-cut").value = 0; $("fee-delta").value = 0; $("city-change").value = 0;
  fillGrantYears();
  $("grant-end").value = "";
  fillCityNote();
  buildInputs();
  keptA = null; renderCompare();
  schedule(0);
}

// The city control scales the budget streams whose amount or policy is
// a plain number; with none it would change nothing, so it says so.
function scalable() {
  const out = [];
  for (const s of desc.services) for (const f of s.streams)
    if (f.kind === "budget" && f.numbers.some(([k]) => k === "amount" || k === "policy")) out.push(f);
  return out;
}

function fillCityNote() {
  if (!desc) return;
  const none = scalable().length === 0;
  $("city-change").disabled = none;
  $("city-note").textContent = none ? t("noCity") : "";
  $("en-money").textContent = t("enMoney");
}

function grants() {
  const out = [];
  for (const s of desc.services) for (const f of s.streams) if (f.kind === "grant") out.push([s, f]);
  return out;
}

function fillGrantYears() {
  if (!desc) return;
  const sel = $("grant-end"), keep = sel.value;
  sel.replaceChildren();
  const first = document.createElement("option");
  first.value = ""; first.textContent = t("asPlanned"); sel.append(first);
  const g = grants();
  if (g.length === 0) { sel.disabled = true; return; }
  sel.disabled = false;
  const from = Math.min(...g.map(([, f]) => f.from)), to = Math.max(...g.map(([, f]) => f.to));
  for (let y = from; y <= to; y++) {
    const o = document.createElement("option");
    o.value = String(y); o.textContent = String(y); sel.append(o);
  }
  sel.value = keep;
}

function buildInputs() {
  const box = $("inputs");
  box.replaceChildren();
  for (const s of desc.services) {
    const fs = document.createElement("fieldset");
    const lg = document.createElement("legend");
    lg.textContent = `${s.name} (${s.id})`;
    fs.append(lg);
    for (const f of s.streams) {
      for (const [key, value] of f.numbers) {
        const money = key === "amount";
        const id = `in-${s.id}-${f.slug}-${key}`.replace(/[^A-Za-z0-9_-]/g, "_");
        const label = document.createElement("label");
        label.htmlFor = id;
        label.textContent = `${f.name} · ${key}${money ? ` (${unitLabel(desc.money_label)})` : ""} · ${f.from}–${f.to}`;
        const input = document.createElement("input");
        input.type = "number"; input.step = "any"; input.id = id;
        input.dataset.path = `service.${s.id}.funding.${f.slug}.${key}`;
        input.dataset.money = money ? "1" : "";
        const shown = money ? value / desc.money_divisor : value;
        input.value = num(shown); input.dataset.orig = input.value;
        input.addEventListener("change", () => schedule(250));
        const row = document.createElement("div");
        row.className = "input-row";
        row.append(label, input);
        fs.append(row);
      }
    }
    box.append(fs);
  }
}

// The overrides of the form and the controls, one per key path.
function overrides() {
  const set = new Map();
  const original = new Map();
  for (const s of desc.services) for (const f of s.streams) for (const [k, v] of f.numbers)
    original.set(`service.${s.id}.funding.${f.slug}.${k}`, v);
  const value = p => (set.has(p) ? Number(set.get(p)) : original.get(p));
  for (const input of document.querySelectorAll("#inputs input[data-path]")) {
    if (input.value === input.dataset.orig || input.value === "") continue;
    const x = Number(input.value) * (input.dataset.money ? desc.money_divisor : 1);
    set.set(input.dataset.path, num(x));
  }
  const cut = Number($("grant-cut").value) || 0;
  const end = $("grant-end").value;
  for (const [s, f] of grants()) {
    const base = `service.${s.id}.funding.${f.slug}`;
    const amounts = ["share_of_cost", "amount"].filter(k => original.has(`${base}.${k}`));
    if (cut) for (const k of amounts) set.set(`${base}.${k}`, num(value(`${base}.${k}`) * (1 - cut / 100)));
    if (end !== "") {
      const last = Number(end) - 1;
      if (last < f.from) for (const k of amounts) set.set(`${base}.${k}`, "0");
      else if (last < f.to) set.set(`${base}.to`, String(last));
    }
  }
  const fee = Number($("fee-delta").value) || 0;
  const perUnit = desc.won_per_unit || 1;
  const city = Number($("city-change").value) || 0;
  for (const s of desc.services) for (const f of s.streams) {
    const base = `service.${s.id}.funding.${f.slug}`;
    if (fee && f.kind === "fees" && original.has(`${base}.price`))
      set.set(`${base}.price`, num(Math.max(0, value(`${base}.price`) + fee / perUnit)));
    if (city && f.kind === "budget") {
      const k = original.has(`${base}.amount`) ? "amount" : original.has(`${base}.policy`) ? "policy" : null;
      if (k) set.set(`${base}.${k}`, num(Math.max(0, value(`${base}.${k}`) * (1 + city / 100))));
    }
  }
  const m = $("materiality").value;
  const typed = desc.materiality_share == null ? "" : num(desc.materiality_share * 100);
  if (m !== "" && m !== typed) set.set("scenario.materiality_share", num(Number(m) / 100));
  return Array.from(set, ([p, v]) => `${p}=${v}`);
}

function setting() {
  return {
    scenario: desc.id, set: overrides(), trials: Number($("trials").value) || undefined,
    seed: $("seed").value === "" ? undefined : Number($("seed").value),
    confidence: Number($("confidence").value), client: CLIENT, slot: "main",
  };
}

function schedule(ms) {
  clearTimeout(pending);
  pending = setTimeout(start, ms);
}

// What the form's own fields must hold, said in the page's language
// before anything is sent (the server's refusals are for any client).
function fieldProblem() {
  const whole = (id, lo, hi) => {
    const v = $(id).value.trim();
    return v === "" || (/^[0-9]+$/.test(v) && Number(v) >= lo && Number(v) <= hi);
  };
  if (!whole("trials", 1, 1000000)) return t("badTrials");
  if (!whole("seed", 0, Infinity)) return t("badSeed");
  return null;
}

async function start() {
  if (!desc) return;
  const problem = fieldProblem();
  if (problem) { setStatus(`${t("failed")}: ${problem}`); return; }
  const body = setting();
  let run;
  try {
    run = await api("/api/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  } catch (e) {
    if (e.status === 503) { setStatus(t("busy")); schedule(1000); return; }
    setStatus(`${t("failed")}: ${e.message}`);
    return;
  }
  $("results").setAttribute("aria-busy", "true");
  poll(run.id, body);
}

async function poll(id, body) {
  let run;
  try { run = await api(`/api/runs/${id}`); } catch (e) { setStatus(`${t("failed")}: ${e.message}`); return; }
  $("progress").value = run.total ? run.done / run.total : 0;
  if (run.state === "queued" || run.state === "running") {
    setStatus(`${t(run.state)} ${run.done.toLocaleString()} / ${run.total.toLocaleString()}`);
    setTimeout(() => poll(id, body), 120);
    return;
  }
  if (run.state === "cancelled") return; // a newer run shows its own state
  $("results").removeAttribute("aria-busy");
  if (run.state === "failed") { setStatus(`${t("failed")}: ${run.error}`); return; }
  run.setting = body;
  current = run;
  show(run);
  renderCompare();
}

// A probability with its 95% interval, as the tables print it.
const ci = p => `${pct(p.estimate)} (${pct(p.lo)}–${pct(p.hi)})`;
// Only a certainty reads 100% and only an impossibility 0% (as format::percent).
const pct = p => {
  const text = (p * 100).toFixed(1);
  if (p < 1 && text === "100.0") return ">99.9%";
  if (p > 0 && text === "0.0") return "<0.1%";
  return `${text}%`;
};
const amount = x => Number(x).toLocaleString(lang === "ko" ? "ko-KR" : "en-US", { maximumFractionDigits: 1 });
const nameOf = e => (e.id === "portfolio" ? t("portfolio") : e.name);

function cell(tr, text, header) {
  const c = document.createElement(header ? "th" : "td");
  if (header) c.scope = "row";
  c.textContent = text;
  tr.append(c);
}

function show(run) {
  const r = run.result;
  setStatus(`${t("done")} (${run.trials.toLocaleString()})`);
  $("progress").value = 1;
  $("precision").textContent = t("precision")((r.precision * 100).toFixed(2), run.trials.toLocaleString(), run.seed, r.elapsed_seconds.toFixed(2));
  const conf = `${Math.round(run.confidence * 100)}%`;
  $("topup-h").textContent = `${t("topup")} (${conf}, ${unitLabel(r.money_label)})`;
  $("reserve-h").textContent = `${t("reserve")} (${conf}, ${unitLabel(r.money_label)})`;
  const body = $("summary").querySelector("tbody");
  body.replaceChildren();
  for (const e of r.entities) {
    const tr = document.createElement("tr");
    tr.dataset.entity = e.id;
    cell(tr, nameOf(e), true);
    cell(tr, ci(e.p_any_gap));
    cell(tr, ci(e.p_stop));
    cell(tr, amount(e.topup[0]));
    cell(tr, amount(e.reserve[0]));
    body.append(tr);
  }
  $("command").textContent = run.command;
  // A shipped scenario's path names the copy in fundgap's repository,
  // which a file of the same name in the user's folder would shadow.
  $("command-note").textContent = origins.get($("scenario").value) === "shipped"
    ? (lang === "ko"
      ? "scenarios/… 경로는 fundgap 저장소의 내장 시나리오입니다. 다른 폴더에서는 아래에서 시나리오 파일을 내려받아 그 파일로 실행하세요."
      : "The scenarios/… path is the copy in fundgap's repository; elsewhere, download the scenario below and run that file.")
    : "";
  const q = `?lang=${lang}`;
  $("dl-xlsx").href = `/api/runs/${run.id}/report.xlsx${q}`;
  $("dl-html").href = `/api/runs/${run.id}/report.html${q}`;
  $("dl-toml").href = `/api/runs/${run.id}/scenario.toml${q}`;
  const all = r.entities[0];
  drawPgap(all);
  drawFan(all, unitLabel(r.money_label));
}

const SVG = "http://www.w3.org/2000/svg";
function el(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// A frame of width x height with its axes; returns the scales.
function frame(svg, years, top, label) {
  const W = 520, H = 260, L = 56, R = 12, T = 14, B = 34;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const x = i => L + (years.length > 1 ? (i / (years.length - 1)) * (W - L - R) : 0);
  const y = v => T + (1 - v / (top || 1)) * (H - T - B);
  svg.append(el("line", { x1: L, y1: y(0), x2: W - R, y2: y(0), class: "axis" }));
  svg.append(el("line", { x1: L, y1: T, x2: L, y2: y(0), class: "axis" }));
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    svg.append(el("text", { x: L - 6, y: y(v) + 4, class: "tick", "text-anchor": "end" }, label(v)));
  }
  const step = Math.max(1, Math.ceil(years.length / 8));
  years.forEach((yr, i) => {
    if (i % step === 0) svg.append(el("text", { x: x(i), y: H - B + 16, class: "tick", "text-anchor": "middle" }, String(yr)));
  });
  return { x, y };
}

function path(points) { return points.map(([a, b], i) => `${i ? "L" : "M"}${a.toFixed(1)},${b.toFixed(1)}`).join(""); }

function drawPgap(e) {
  const svg = $("pgap-chart");
  const years = e.years.map(y => y.year);
  const top = Math.min(1, Math.max(0.05, ...e.years.map(y => y.p_gap.hi)) * 1.1);
  const { x, y } = frame(svg, years, top, v => `${Math.round(v * 100)}%`);
  const band = e.years.map((v, i) => [x(i), y(v.p_gap.hi)]).concat(e.years.map((v, i) => [x(i), y(v.p_gap.lo)]).reverse());
  svg.append(el("path", { d: `${path(band)}Z`, class: "band" }));
  svg.append(el("path", { d: path(e.years.map((v, i) => [x(i), y(v.p_gap.estimate)])), class: "line" }));
  e.years.forEach((v, i) => {
    const dot = el("circle", { cx: x(i), cy: y(v.p_gap.estimate), r: 3, class: "dot" });
    dot.append(el("title", {}, `${v.year}: ${pct(v.p_gap.estimate)} (${pct(v.p_gap.lo)}–${pct(v.p_gap.hi)})`));
    svg.append(dot);
  });
}

function drawFan(e, unit) {
  const svg = $("fan-chart");
  const years = e.years.map(y => y.year);
  const top = Math.max(1e-9, ...e.years.map(y => Math.max(y.cost[4], y.funding_mean))) * 1.1;
  const { x, y } = frame(svg, years, top, v => amount(v));
  svg.append(el("text", { x: 8, y: 12, class: "tick" }, unit));
  for (const [lo, hi, cls] of [[0, 4, "fan-outer"], [1, 3, "fan-inner"]]) {
    const pts = e.years.map((v, i) => [x(i), y(v.cost[hi])]).concat(e.years.map((v, i) => [x(i), y(v.cost[lo])]).reverse());
    svg.append(el("path", { d: `${path(pts)}Z`, class: cls }));
  }
  svg.append(el("path", { d: path(e.years.map((v, i) => [x(i), y(v.cost[2])])), class: "line" }));
  svg.append(el("path", { d: path(e.years.map((v, i) => [x(i), y(v.funding_mean)])), class: "funding" }));
}

function renderCompare() {
  const table = $("compare-table");
  if (!keptA || !current || !keptA.result || !current.result) {
    table.hidden = true;
    $("compare-sets").textContent = "";
    $("compare-stops").hidden = true;
    return;
  }
  table.hidden = false;
  const body = table.querySelector("tbody");
  body.replaceChildren();
  const half = p => (p.hi - p.lo) / 2;
  // Services whose P(gap) fell while, in some year, more trials had
  // stopped it (each beyond the two runs' combined half-widths): fewer
  // gaps bought by stopping sooner or more often.
  const hidden = [];
  for (const a of keptA.result.entities) {
    const b = current.result.entities.find(e => e.id === a.id);
    if (!b) continue;
    const tr = document.createElement("tr");
    tr.dataset.entity = a.id;
    cell(tr, nameOf(a), true);
    cell(tr, ci(a.p_any_gap));
    cell(tr, ci(b.p_any_gap));
    // The two runs' Wilson half-widths combined (never 0 at 0% or 100%, as
    // a standard error is): conservative where A and B share their random
    // numbers, whose errors then partly cancel.
    const d = (b.p_any_gap.estimate - a.p_any_gap.estimate) * 100;
    const pm = Math.hypot(half(a.p_any_gap), half(b.p_any_gap)) * 100;
    const sooner = a.years.some((ya, i) => {
      const yb = b.years[i];
      return yb && yb.p_stopped.estimate - ya.p_stopped.estimate > Math.hypot(half(ya.p_stopped), half(yb.p_stopped));
    });
    if (d + pm < 0 && sooner) hidden.push(nameOf(a));
    cell(tr, `${d >= 0 ? "+" : ""}${d.toFixed(1)}%p (±${pm.toFixed(1)})`);
    cell(tr, ci(a.p_stop));
    cell(tr, ci(b.p_stop));
    body.append(tr);
  }
  const list = r => `--seed ${r.seed} --trials ${r.trials} ${r.setting.set.length ? r.setting.set.join("  ") : t("none")}`;
  const paired = keptA.seed === current.seed && keptA.trials === current.trials;
  $("compare-sets").textContent = `A: ${list(keptA)} — B: ${list(current)}${paired ? "" : ` — ${t("notPaired")}`}`;
  const note = $("compare-stops");
  note.hidden = hidden.length === 0;
  note.textContent = hidden.length ? t("stopsHide")(hidden.join(", ")) : "";
}

document.addEventListener("DOMContentLoaded", () => {
  $("lang").addEventListener("click", () => { lang = lang === "ko" ? "en" : "ko"; applyLanguage(); });
  $("scenario").addEventListener("change", () => loadScenario().catch(e => setStatus(`${t("failed")}: ${e.message}`)));
  $("controls").addEventListener("submit", ev => { ev.preventDefault(); schedule(0); });
  for (const id of ["grant-end", "grant-cut", "fee-delta", "city-change", "materiality", "confidence", "trials", "seed"])
    $(id).addEventListener("change", () => schedule(250));
  $("reset").addEventListener("click", () => loadScenario());
  $("keep-a").addEventListener("click", () => { if (current) { keptA = current; renderCompare(); } });
  $("clear-a").addEventListener("click", () => { keptA = null; renderCompare(); });
  $("upload").addEventListener("change", async ev => {
    const file = ev.target.files[0];
    if (!file) return;
    try {
      const bytes = await file.arrayBuffer();
      const e = await api(`/api/scenarios?name=${encodeURIComponent(file.name)}`, {
        method: "POST", headers: { "Content-Type": "application/octet-stream" }, body: bytes,
      });
      await loadList(e.id);
    } catch (e) { setStatus(`${t("failed")}: ${e.status === 413 ? t("tooLarge") : e.message}`); }
  });
  if (!(navigator.language || "").startsWith("ko")) lang = "en";
  applyLanguage();
  loadList().catch(e => setStatus(`${t("failed")}: ${e.message}`));
});
