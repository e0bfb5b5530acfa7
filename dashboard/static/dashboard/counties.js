// The county panel: a tile map of Dezhou's counties and districts (one tile per county-level
// division, placed roughly as they lie; county-tiles.json), each tile a button that shows
// the county's figures from the rankings API. No boundary data: docs/dashboard.md says why.
// Names from the API are put on the page as text only.
"use strict";

(function () {
  const R = window.dashboardRankings;
  const L = R.labels;
  const C = R.config;
  const el = R.element;
  const panel = document.getElementById("panel-counties");
  const tilesBox = document.getElementById("county-tiles");
  const untiledBox = document.getElementById("county-untiled");
  const legendBox = document.getElementById("county-legend");
  const detailBox = document.getElementById("county-detail");
  const measureSelect = document.getElementById("county-measure");
  const SHADES = 5;
  let layout = null; // the promise of county-tiles.json
  let shown = null; // {answer, choice} drawn now
  let selected = null; // the id of the county whose detail is shown
  let generation = 0;

  function tileLayout() {
    if (!layout) {
      layout = fetch(C.countyTiles, { credentials: "same-origin" }).then((response) => {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
      layout.catch(() => (layout = null));
    }
    return layout;
  }

  function placeOf(tiles, result) {
    return (result.code && tiles.tiles[result.code]) || tiles.without_code[result.name] || null;
  }

  // The figure a tile shows: the score, or the completion rate of one measure.
  function valueOf(result, measure) {
    const raw = measure === "score" ? result.score : result.rate[measure];
    return raw === null || raw === undefined ? null : Number(raw);
  }

  function textOf(result, measure) {
    if (measure === "score") return result.score;
    return R.percent(result.rate[measure]) || L.noTarget;
  }

  // Five shades over the range the counties span, so the map tells them apart early in the
  // year as well as late; the legend says what each shade means, and each tile prints its number.
  function shading(results, measure) {
    const values = results.map((result) => valueOf(result, measure)).filter((value) => value !== null);
    const low = Math.min(...values);
    const high = Math.max(...values);
    const step = (high - low) / SHADES;
    const shadeOf = (value) => {
      if (value === null) return "none";
      if (step === 0) return String(Math.floor(SHADES / 2));
      return String(Math.min(SHADES - 1, Math.floor((value - low) / step)));
    };
    const shown = (value) => (measure === "score" ? value.toFixed(2) : (value * 100).toFixed(1) + "%");
    const bands = values.length === 0 ? [] : Array.from({ length: step === 0 ? 1 : SHADES }, (_, index) => ({
      shade: step === 0 ? shadeOf(low) : String(index),
      text: step === 0 ? shown(low) : `${shown(low + index * step)} – ${shown(low + (index + 1) * step)}`,
    }));
    return { shadeOf: shadeOf, bands: bands };
  }

  function tile(result, measure, shade) {
    const button = el("button", null, "tile shade-" + shade);
    button.type = "button";
    button.dataset.id = result.id;
    button.dataset.code = result.code || "";
    button.setAttribute("aria-pressed", String(result.id === selected));
    button.append(el("span", result.short || result.name, "name"), el("span", textOf(result, measure), "value"));
    if (result.list) {
      const flag = el("span", result.list === "red" ? "★" : "✕", "flag");
      flag.title = result.list === "red" ? L.redList : L.blackList;
      flag.setAttribute("aria-label", flag.title);
      button.append(flag);
    }
    button.title = result.name;
    button.addEventListener("click", () => select(result.id));
    return button;
  }

  function legend(bands, measure) {
    legendBox.replaceChildren(el("span", L.legend + " " + measureLabel(measure), "caption"));
    bands.forEach((band) => {
      const item = el("span", null, "band");
      item.append(el("i", null, "swatch shade-" + band.shade), el("span", band.text));
      legendBox.append(item);
    });
    const none = el("span", null, "band");
    none.append(el("i", null, "swatch shade-none"), el("span", L.noTarget));
    if (measure !== "score") legendBox.append(none);
  }

  function measureLabel(measure) {
    return measure === "score" ? L.score : L.measures[measure];
  }

  function draw(tiles, answer) {
    const measure = measureSelect.value;
    const results = answer.results || [];
    const scale = shading(results, measure);
    tilesBox.style.gridTemplateColumns = `repeat(${tiles.columns}, 1fr)`;
    const placed = new Set();
    const children = [];
    const untiled = [];
    results.forEach((result) => {
      const place = placeOf(tiles, result);
      if (!place) return untiled.push(result);
      const button = tile(Object.assign({ short: place.short }, result), measure, scale.shadeOf(valueOf(result, measure)));
      button.style.gridRow = String(place.row);
      button.style.gridColumn = String(place.column);
      placed.add(place);
      children.push(button);
    });
    // A county on the map without figures this period keeps its place, greyed and inert.
    [...Object.values(tiles.tiles), ...Object.values(tiles.without_code)].forEach((place) => {
      if (placed.has(place)) return;
      const blank = el("div", null, "tile blank");
      blank.append(el("span", place.short, "name"), el("span", "—", "value"));
      blank.style.gridRow = String(place.row);
      blank.style.gridColumn = String(place.column);
      children.push(blank);
    });
    tilesBox.replaceChildren(...children);
    untiledBox.replaceChildren();
    untiledBox.hidden = untiled.length === 0;
    if (untiled.length) {
      untiledBox.append(el("span", L.untiled, "caption"));
      untiled.forEach((result) => untiledBox.append(tile(result, measure, scale.shadeOf(valueOf(result, measure)))));
    }
    legend(scale.bands, measure);
  }

  function figureRow(body, result, measure) {
    const line = body.insertRow();
    line.dataset.measure = measure;
    const head = el("th", measure === "funds_in_place" ? L.fundsUnit : L.measures[measure]);
    head.scope = "row";
    line.append(head);
    [
      R.figure(measure, result.year_to_date[measure]),
      R.figure(measure, result.target[measure]),
      R.percent(result.rate[measure]) || L.noTarget,
      R.figure(measure, result.in_period[measure]),
    ].forEach((text) => (line.insertCell().textContent = text));
  }

  function links(result, year) {
    const box = el("p", null, "links");
    const admin = el("a", L.adminProjects);
    admin.href = `${C.admin.projects}?host_division__id__exact=${result.id}&year=${year}`;
    const api = el("a", L.apiProjects);
    api.href = `${C.api}projects/?host_division=${result.id}&year=${year}`;
    box.append(admin, " · ", api);
    return box;
  }

  function detail() {
    detailBox.replaceChildren();
    const results = shown ? shown.answer.results || [] : [];
    const result = results.find((item) => item.id === selected);
    detailBox.dataset.id = result ? result.id : "";
    if (!result) {
      detailBox.append(el("p", selected === null ? L.detailHint : L.noData, "hint"));
      return;
    }
    detailBox.append(el("h3", result.name));
    const summary = el("p", null, "summary");
    summary.append(
      el("span", R.format(L.rankOf, { rank: result.rank, count: results.length }), "rank"),
      R.changeCell(result),
      el("span", `${L.score} ${result.score}`, "score"),
    );
    const mark = R.listMark(result.list);
    if (mark) summary.append(mark);
    const table = el("table", null, "figures");
    const head = table.createTHead().insertRow();
    ["", L.yearToDate, L.target, L.rate, L.inPeriod].forEach((text) => head.append(el("th", text)));
    const body = table.createTBody();
    L.measureOrder.forEach((measure) => figureRow(body, result, measure));
    detailBox.append(summary, table, links(result, shown.choice.date.slice(0, 4)));
  }

  function select(id) {
    selected = id;
    tilesBox.parentElement.querySelectorAll(".tile[aria-pressed]").forEach((button) => {
      button.setAttribute("aria-pressed", String(Number(button.dataset.id) === id));
    });
    const query = new URLSearchParams(window.location.search);
    query.set("ranking_county", id);
    window.history.replaceState(null, "", "?" + query.toString());
    detail();
  }

  function status(state, text) {
    panel.dataset.state = state;
    document.getElementById("counties-status").textContent = text || "";
  }

  async function render(choice) {
    const mine = ++generation;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(choice.date)) return status("error", L.badDate);
    status("loading", L.loading);
    try {
      const [tiles, answer] = await Promise.all([tileLayout(), R.fetchRanking(choice, "county")]);
      if (mine !== generation) return;
      shown = { answer: answer, choice: choice, tiles: tiles };
      document.getElementById("counties-period").textContent = answer.period ? answer.period.label : "";
      draw(tiles, answer);
      detail();
      status((answer.results || []).length ? "ready" : "empty", (answer.results || []).length ? "" : L.noRanking);
    } catch (error) {
      if (mine !== generation) return;
      status("error", R.format(R.all.loadFailed, { error: error.message }));
    }
  }

  function start() {
    [["score", L.score], ...L.measureOrder.map((measure) => [measure, L.measures[measure]])].forEach(
      ([value, text]) => measureSelect.add(new Option(text, value)),
    );
    measureSelect.addEventListener("change", () => shown && draw(shown.tiles, shown.answer));
    const wanted = Number(new URLSearchParams(window.location.search).get("ranking_county"));
    if (Number.isInteger(wanted) && wanted > 0) selected = wanted;
    // A county chosen in the ranking table: its detail here, in view.
    document.addEventListener("dashboard:county", (event) => {
      select(event.detail.id);
      const button = tilesBox.parentElement.querySelector(`.tile[data-id="${Number(event.detail.id)}"]`);
      panel.scrollIntoView({ block: "nearest" });
      if (button) button.focus();
    });
    R.onChange(render);
  }

  start();
})();
