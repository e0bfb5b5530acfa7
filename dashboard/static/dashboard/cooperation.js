// The cooperation panel (京津冀合作台账): the cooperation ledger of the page's year, by kind
// or by counterpart province, from GET /api/v1/stats/cooperation/ (docs/dashboard.md). The
// page's year, department and county filters apply. Everything the API says is put on the
// page as text (textContent), never as markup.
"use strict";

(function () {
  const ALL = JSON.parse(document.getElementById("dashboard-labels").textContent);
  const L = ALL.cooperation;
  const C = JSON.parse(document.getElementById("dashboard-config").textContent);
  const panel = document.getElementById("panel-cooperation");
  const controls = document.getElementById("cooperation-controls");
  const filters = document.getElementById("filters");
  const YEAR = /^\d{4}$/;
  const ID = /^\d+$/;
  // The page's filter -> the statistics' parameter (a county is the item's division).
  const FILTERS = [
    ["year", "year", YEAR],
    ["department", "department", ID],
    ["host_division", "division", ID],
  ];
  const yi = (wan) => (Number(wan || 0) / 10000).toFixed(2);
  const COLUMNS = [
    ["items", L.items, String],
    ["achieved", L.achieved, String],
    ["investment", L.investment, yi],
    ["people", L.people, String],
    ["landed_projects", L.landedProjects, String],
    ["landed_investment", L.landedInvestment, yi],
  ];
  let generation = 0; // answers to an older choice are dropped
  let touched = false; // until the filters change, the address says what they are

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, name) => values[name]);
  }

  // The answer, or an error that says what the API refused, field by field.
  async function refusal(response) {
    if (response.ok) return response.json();
    const body = await response.json().catch(() => ({}));
    const said = Object.values(body || {})
      .flat()
      .filter((text) => typeof text === "string");
    throw new Error(["HTTP " + response.status, ...said].join(" · "));
  }

  async function get(groupBy, chosen) {
    const url = new URL(C.api + "stats/cooperation/", window.location.origin);
    url.searchParams.set("group_by", groupBy);
    Object.entries(chosen).forEach(([name, value]) => value && url.searchParams.set(name, value));
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    return refusal(response);
  }

  // The page's filters (dashboard.js fills them after this script starts: until a filter
  // changes, they are read from the address, as dashboard.js reads them).
  function chosenFilters() {
    const wanted = new URLSearchParams(window.location.search);
    const chosen = {};
    FILTERS.forEach(([name, parameter, shape]) => {
      const value = touched ? filters[name].value : filters[name].value || wanted.get(name) || "";
      if (shape.test(value)) chosen[parameter] = value;
    });
    if (!chosen.year) chosen.year = String(C.currentYear);
    return chosen;
  }

  function status(state, text) {
    panel.dataset.state = state;
    document.getElementById("cooperation-status").textContent = text || "";
  }

  function headline(total) {
    const shown = (id, value) => (document.getElementById(id).textContent = value);
    shown("coop-items", total ? total.items : "–");
    shown("coop-achieved", total ? total.achieved : "–");
    shown("coop-investment", total ? yi(total.investment) : "–");
    shown("coop-people", total ? total.people : "–");
    shown("coop-landed", total ? total.landed_projects : "–");
    shown("coop-landed-investment", total ? yi(total.landed_investment) : "–");
  }

  function header(groupBy) {
    const row = document.getElementById("cooperation-head");
    row.replaceChildren();
    [[groupBy === "kind" ? L.kind : L.counterpart_province, "name"], ...COLUMNS.map((c) => [c[1], "num"])].forEach(
      ([text, className]) => {
        const cell = document.createElement("th");
        cell.scope = "col";
        cell.className = className;
        cell.textContent = text;
        row.append(cell);
      },
    );
  }

  // The admin's list of a kind's items, filtered as the panel is (its list filters' names).
  function nameOf(group, groupBy, chosen) {
    if (groupBy === "kind" && C.admin.cooperation && group.key !== null) {
      const link = document.createElement("a");
      const query = new URLSearchParams({ kind__exact: group.key, year__exact: chosen.year });
      if (chosen.department) query.set("department__id__exact", chosen.department);
      if (chosen.division) query.set("division__id__exact", chosen.division);
      link.href = C.admin.cooperation + "?" + query.toString();
      link.title = L.openItems;
      link.textContent = group.label;
      return link;
    }
    const label = groupBy === "counterpart_province" && group.key === null ? L.notLocated : group.label;
    return document.createTextNode(label);
  }

  function line(row, figures) {
    COLUMNS.forEach(([name, _label, shown]) => {
      const cell = row.insertCell();
      cell.className = "num";
      cell.dataset.figure = name;
      cell.textContent = shown(figures[name]);
    });
  }

  function table(answer, groupBy, chosen) {
    header(groupBy);
    const body = document.getElementById("cooperation-rows");
    const foot = document.getElementById("cooperation-total");
    body.replaceChildren();
    foot.replaceChildren();
    if (!answer) return;
    answer.groups.forEach((group) => {
      const row = body.insertRow();
      row.dataset.key = group.key === null ? "" : String(group.key);
      const name = row.insertCell();
      name.className = "name";
      name.append(nameOf(group, groupBy, chosen));
      line(row, group);
    });
    if (answer.groups.length === 0) return;
    const total = foot.insertRow();
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = L.total;
    total.append(name);
    line(total, answer.total);
  }

  async function render() {
    const mine = ++generation;
    const chosen = chosenFilters();
    const groupBy = L.groupings.includes(controls.group_by.value) ? controls.group_by.value : "kind";
    const query = new URLSearchParams(window.location.search);
    query.set("cooperation_by", groupBy);
    window.history.replaceState(null, "", "?" + query.toString());
    document.getElementById("cooperation-year").textContent = format(L.year, { year: chosen.year });
    status("loading", L.loading);
    try {
      const kinds = get("kind", chosen);
      const [byKind, answer] = await Promise.all([kinds, groupBy === "kind" ? kinds : get(groupBy, chosen)]);
      if (mine !== generation) return;
      headline(byKind.total);
      table(answer, groupBy, chosen);
      if (byKind.total.items === 0) return status("empty", L.empty);
      status("ready", groupBy === "counterpart_province" ? L.provinceNote : "");
    } catch (error) {
      if (mine !== generation) return;
      headline(null);
      table(null, groupBy, chosen);
      status("error", format(ALL.loadFailed, { error: error.message }));
    }
  }

  const wanted = new URLSearchParams(window.location.search).get("cooperation_by");
  if (L.groupings.includes(wanted)) controls.group_by.value = wanted;
  controls.addEventListener("change", render);
  controls.addEventListener("submit", (event) => event.preventDefault());
  filters.addEventListener("change", () => {
    touched = true;
    render();
  });
  header(controls.group_by.value);
  render();
})();
