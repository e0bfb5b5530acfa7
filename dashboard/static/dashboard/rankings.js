// The ranking panel: each county or department against its annual targets, for a week, a
// month or the year to date, from GET /api/v1/rankings/ (docs/dashboard.md). Everything the
// API says is put on the page as text (textContent), never as markup. counties.js draws the
// county map from the same answers, through window.dashboardRankings.
"use strict";

window.dashboardRankings = (function () {
  const ALL = JSON.parse(document.getElementById("dashboard-labels").textContent);
  const L = ALL.rankings;
  const C = JSON.parse(document.getElementById("dashboard-config").textContent);
  const controls = document.getElementById("ranking-controls");
  const panel = document.getElementById("panel-ranking");
  const PERIODS = ["week", "month", "year"];
  const UNITS = ["county", "city", "department"]; // city: a province user's page
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  const answers = new Map(); // address -> promise of the API's answer, for both panels
  const listeners = [];
  let generation = 0; // answers to an older choice are dropped

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, name) => values[name]);
  }

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined && text !== null) made.textContent = String(text);
    if (className) made.className = className;
    return made;
  }

  // The answer, or an error that says what the API refused, field by field (a 400 names
  // the parameter it could not take, in the user's language).
  function refusal(response) {
    if (response.ok) return response.json();
    return response
      .json()
      .catch(() => ({}))
      .then((body) => {
        const said = Object.values(body || {})
          .flat()
          .filter((text) => typeof text === "string");
        throw new Error(["HTTP " + response.status, ...said].join(" · "));
      });
  }

  // One request per period, unit and date, shared by the two panels; a failed one is
  // forgotten so that the next choice asks again.
  function fetchRanking(choice, unit) {
    const url = new URL(C.api + "rankings/", window.location.origin);
    url.searchParams.set("period", choice.period);
    url.searchParams.set("date", choice.date);
    url.searchParams.set("unit", unit);
    const key = url.toString();
    if (!answers.has(key)) {
      const answer = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
        refusal,
      );
      answer.catch(() => answers.delete(key));
      answers.set(key, answer);
      // A wall screen runs for days: keep the latest few answers only.
      if (answers.size > 24) answers.delete(answers.keys().next().value);
    }
    return answers.get(key);
  }

  // The day whose period is ranked by default: today in the current year, the last day of
  // a past year (its whole year is history).
  function defaultDate(year) {
    return !year || Number(year) >= C.currentYear ? C.today : `${year}-12-31`;
  }

  function choice() {
    return {
      period: controls.period.value,
      unit: controls.unit.value,
      date: controls.date.value,
    };
  }

  // Rates come as ratios with four decimals ("0.8125"); shown as percentages with one,
  // rounded half up in whole numbers (as the bulletin rounds), not in binary fractions.
  function percent(rate) {
    if (rate === null || rate === undefined) return null;
    const tenThousandths = Math.round(Number(rate) * 10000);
    return (Math.floor((tenThousandths + 5) / 10) / 10).toFixed(1) + "%";
  }

  // Funds come in 万元; shown in 亿元 as everywhere on the dashboard.
  function figure(measure, value) {
    if (value === null || value === undefined) return "—";
    return measure === "funds_in_place" ? (Number(value) / 10000).toFixed(2) : String(value);
  }

  function rankChange(result) {
    const change = result.rank_change;
    if (change === null || change === undefined) return { text: "—", label: L.noPrevious, className: "new" };
    if (change > 0) return { text: "▲" + change, label: format(L.up, { places: change }), className: "up" };
    if (change < 0) return { text: "▼" + -change, label: format(L.down, { places: -change }), className: "down" };
    return { text: "—", label: L.same, className: "same" };
  }

  function changeCell(result) {
    const change = rankChange(result);
    const mark = element("span", change.text, "change " + change.className);
    mark.title = change.label;
    mark.setAttribute("aria-label", change.label);
    return mark;
  }

  // A mark in words and a symbol, so that the lists do not rely on colour.
  function listMark(list) {
    if (list === "red") return element("span", "★ " + L.redList, "mark red");
    if (list === "black") return element("span", "✕ " + L.blackList, "mark black");
    return null;
  }

  function header(unit) {
    const row = document.getElementById("ranking-head");
    row.replaceChildren();
    const titles = [
      ["num rank", L.rank],
      ["change", L.change],
      ["name", { county: L.county, city: L.city }[unit] || L.department],
      ["num score", L.score],
      ...L.measureOrder.map((measure) => ["num rate", L.measures[measure]]),
    ];
    if (unit === "department") titles.push(["num", L.onTime], ["num", L.overdueTasks]);
    titles.push(["list", L.list]);
    titles.forEach(([className, text]) => {
      const cell = element("th", text, className);
      cell.scope = "col";
      row.append(cell);
    });
  }

  function nameCell(result, unit, year) {
    if (unit === "county") {
      // The county map shows its detail (counties.js).
      const button = element("button", result.name, "link");
      button.type = "button";
      button.dataset.county = result.id;
      button.addEventListener("click", () =>
        document.dispatchEvent(new CustomEvent("dashboard:county", { detail: { id: result.id } })),
      );
      return button;
    }
    const link = element("a", result.name);
    link.href = `${C.admin.projects}?responsible_department__id__exact=${result.id}&year=${year}`;
    return link;
  }

  function rateCell(cell, result, measure) {
    const shown = percent(result.rate[measure]);
    cell.textContent = shown === null ? "—" : shown;
    cell.className = "num rate";
    const actual = figure(measure, result.year_to_date[measure]);
    cell.title =
      shown === null
        ? L.noTarget
        : format(L.rateOf, { actual: actual, target: figure(measure, result.target[measure]) });
  }

  function row(body, result, unit, year) {
    const line = body.insertRow();
    line.dataset.id = result.id;
    line.dataset.list = result.list || "";
    if (result.list) line.className = "listed " + result.list;
    line.insertCell().textContent = result.rank;
    line.cells[0].className = "num rank";
    line.insertCell().append(changeCell(result));
    const name = line.insertCell();
    name.className = "name";
    name.append(nameCell(result, unit, year));
    const score = line.insertCell();
    score.className = "num score";
    score.textContent = result.score;
    L.measureOrder.forEach((measure) => rateCell(line.insertCell(), result, measure));
    if (unit === "department") {
      line.insertCell().textContent = percent(result.on_time_rate) || "—";
      line.insertCell().textContent = result.overdue_tasks === null ? "—" : result.overdue_tasks;
      line.cells[line.cells.length - 2].className = line.cells[line.cells.length - 1].className = "num";
    }
    const list = line.insertCell();
    const mark = listMark(result.list);
    if (mark) list.append(mark);
  }

  function status(state, text) {
    panel.dataset.state = state;
    document.getElementById("ranking-status").textContent = text || "";
  }

  async function render() {
    const mine = ++generation;
    const chosen = choice();
    remember(chosen);
    listeners.forEach((listener) => listener(chosen));
    if (!DATE.test(chosen.date)) return status("error", L.badDate);
    status("loading", L.loading);
    try {
      const answer = await fetchRanking(chosen, chosen.unit);
      if (mine !== generation) return;
      const results = answer.results || [];
      const body = document.getElementById("ranking-rows");
      body.replaceChildren();
      header(chosen.unit);
      const year = chosen.date.slice(0, 4);
      results.forEach((result) => row(body, result, chosen.unit, year));
      document.getElementById("ranking-period").textContent = answer.period ? answer.period.label : "";
      if (results.length === 0) return status("empty", L.noRanking);
      status("ready", "");
    } catch (error) {
      if (mine !== generation) return;
      document.getElementById("ranking-rows").replaceChildren();
      status("error", format(ALL.loadFailed, { error: error.message }));
    }
  }

  // The panel's choice in the address, beside the page's filters, so a view can be bookmarked.
  function remember(chosen) {
    const query = new URLSearchParams(window.location.search);
    query.set("ranking_period", chosen.period);
    query.set("ranking_unit", chosen.unit);
    query.set("ranking_date", chosen.date);
    window.history.replaceState(null, "", "?" + query.toString());
  }

  function start() {
    const wanted = new URLSearchParams(window.location.search);
    if (PERIODS.includes(wanted.get("ranking_period"))) controls.period.value = wanted.get("ranking_period");
    if (UNITS.includes(wanted.get("ranking_unit"))) controls.unit.value = wanted.get("ranking_unit");
    const date = wanted.get("ranking_date");
    controls.date.value = date && DATE.test(date) ? date : defaultDate(wanted.get("year"));
    controls.date.max = C.today;
    controls.addEventListener("change", render);
    controls.addEventListener("submit", (event) => event.preventDefault());
    // A new year on the page's filters ranks that year (its end, or today).
    document.getElementById("f-year").addEventListener("change", (event) => {
      controls.date.value = defaultDate(event.target.value);
      render();
    });
    // Shown before the first answer, so the panel never looks empty while loading.
    header(controls.unit.value);
    render();
  }

  start();
  return {
    labels: L,
    all: ALL,
    config: C,
    choice: choice,
    element: element,
    fetchRanking: fetchRanking,
    figure: figure,
    format: format,
    percent: percent,
    changeCell: changeCell,
    listMark: listMark,
    onChange: (listener) => {
      listeners.push(listener);
      listener(choice());
    },
  };
})();
